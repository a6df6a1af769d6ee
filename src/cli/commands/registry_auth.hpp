#pragma once
// The credentials the registry commands send: the stored login for a reference's registry,
// encoded for X-Registry-Auth as the docker CLI encodes it.
#include <string>

#include "cli/cli.hpp"
#include "cli/registry/credential_store.hpp"
#include "cli/registry/reference.hpp"

namespace berth::cli {

// berth's config.json (--config, $BERTH_CONFIG, ~/.berth) with Docker's as the fallback.
Credentials load_credentials(const Cli& cli);

// X-Registry-Auth for `ref`'s registry: "e30=" ({}) when there is no stored login. A config file
// that cannot be read is warned about and treated as empty, as docker does.
std::string registry_auth_header(const Cli& cli, const ImageReference& ref);

}  // namespace berth::cli
