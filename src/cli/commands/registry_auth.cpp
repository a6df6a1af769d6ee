#include "cli/commands/registry_auth.hpp"

#include "cli/registry/auth_config.hpp"

namespace berth::cli {

Credentials load_credentials(const Cli& cli) {
    return Credentials(berth_config_dir(cli.config_flag()), docker_config_dir());
}

std::string registry_auth_header(const Cli& cli, const ImageReference& ref) {
    AuthConfig auth;
    try {
        Credentials credentials = load_credentials(cli);
        auth = credentials.get(auth_config_key(ref.domain));
    } catch (const std::exception& e) {
        cli.errln(std::string("WARNING: Error loading config file: ") + e.what());
    }
    return encode_auth_header(auth);
}

}  // namespace berth::cli
