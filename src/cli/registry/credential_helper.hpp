#pragma once
// The docker-credential-helpers protocol: `docker-credential-<name> store|get|erase`, the
// request on stdin (store: {"ServerURL","Username","Secret"}; get and erase: the server URL),
// the answer on stdout. Failures read as docker-credential-helpers/client words them.
#include <optional>
#include <string>

namespace berth::cli {

struct HelperCredentials {
    std::string server_url, username, secret;
};

class CredentialHelper {
  public:
    // `name` is the suffix: "pass" runs docker-credential-pass from $PATH.
    explicit CredentialHelper(std::string name) : program_("docker-credential-" + name) {}

    void store(const HelperCredentials& creds) const;
    // nullopt when the helper has none for `server_url` ("credentials not found in native
    // keychain").
    std::optional<HelperCredentials> get(const std::string& server_url) const;
    void erase(const std::string& server_url) const;

    const std::string& program() const { return program_; }

  private:
    struct Result {
        std::string out;
        std::string error;  // Go's exec error text: "exit status 1"; "" on success
    };
    Result run(const char* action, const std::string& input) const;

    std::string program_;
};

}  // namespace berth::cli
