#pragma once
// Pulling an image through POST /images/create?fromImage=..., with Docker's progress messages
// (JSON lines: status, id, progress, error) printed line by line.
#include <cstdio>
#include <string>

namespace berth::cli {

class Cli;

// "busybox" -> "busybox:latest"; a tag or digest stays as given.
std::string with_default_tag(const std::string& ref);

// Pulls `ref`; progress goes to `out` unless quiet. Throws the error the stream reports.
void pull_image(Cli& cli, const std::string& ref, bool quiet, std::FILE* out);

// Prints a stream of JSON messages (pull, load, import, push) as Docker's jsonmessage does in
// non-terminal mode; throws the first error message. `on_aux` sees "aux" objects.
void print_json_messages(std::string_view chunk, std::string& pending, std::FILE* out, bool quiet);

}  // namespace berth::cli
