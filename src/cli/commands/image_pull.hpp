#pragma once
// Pulling an image through POST /images/create?fromImage=&tag=&platform= with the registry's
// credentials in X-Registry-Auth, its progress drawn as docker draws it.
#include <cstdio>
#include <string>

#include "cli/registry/reference.hpp"

namespace berth::cli {

class Cli;

struct PullOptions {
    bool all_tags = false;
    std::string platform;
};

// Pulls `ref` (its tag or digest; every tag with all_tags); progress goes to `out` (null: none,
// as for -q), on a terminal as live bars. Throws the stream's error (StreamError).
void pull_image(Cli& cli, const ImageReference& ref, const PullOptions& options, std::FILE* out);

}  // namespace berth::cli
