#pragma once
// The client's config.json in Docker's format: "auths" (server -> {"auth": base64(user:pass)},
// "identitytoken"...), "credsStore" and "credHelpers". Members berth does not know are kept as
// they are when the file is written back (docker drops them; berth shares the format, and a file
// shared with other tools must not lose their settings).
#include <map>
#include <optional>
#include <string>

#include "cli/registry/auth_config.hpp"
#include "client/api_client.hpp"

namespace berth::cli {

class ConfigFile {
  public:
    ConfigFile() = default;
    explicit ConfigFile(std::string filename) : filename_(std::move(filename)) {}

    // A missing file is an empty configuration; a file that is not JSON, or has an "auth" that
    // is not base64("user:pass"), throws invalid_argument naming the file.
    static ConfigFile load(const std::string& filename);
    static ConfigFile parse(const std::string& filename, const std::string& content);

    const std::string& filename() const { return filename_; }

    // The entry stored under exactly `key` (username and password decoded from "auth",
    // server_address = the key), nullopt when there is none.
    std::optional<AuthConfig> auth(const std::string& key) const;
    // Every key of "auths".
    std::map<std::string, AuthConfig> auths() const;
    // Writes "auth" from username:password (nothing when both are empty), keeps email and the
    // tokens, as docker's SaveToWriter; replaces what was there.
    void set_auth(const std::string& key, const AuthConfig& auth);
    // False when there was no such entry.
    bool erase_auth(const std::string& key);

    // credHelpers[key], else credsStore, else "" (the file itself stores the credentials).
    std::string helper_for(const std::string& key) const;

    // Docker's layout: tab-indented JSON, no trailing newline; written through a temp file and
    // a rename, mode 0600, the directory made (0700) if needed.
    std::string serialize() const;
    void save() const;

    client::Json& document() { return doc_; }
    const client::Json& document() const { return doc_; }

  private:
    std::string filename_;
    client::Json doc_ = client::Json::object();
};

// Where config.json lives: --config, else $BERTH_CONFIG, else ~/.berth (directories, as docker's
// --config and $DOCKER_CONFIG).
std::string berth_config_dir(const std::string& flag);
// Docker's own: $DOCKER_CONFIG, else ~/.docker; read when berth's file knows nothing of a server.
std::string docker_config_dir();

}  // namespace berth::cli
