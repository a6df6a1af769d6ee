#include "cli/registry/credential_store.hpp"

#include "cli/registry/credential_helper.hpp"
#include "cli/registry/reference.hpp"

namespace berth::cli {

namespace {

// What a helper keeps in place of the password when the daemon gave an identity token.
constexpr const char* kTokenUsername = "<token>";

}  // namespace

CredentialStore::CredentialStore(ConfigFile& file, const std::string& key)
    : file_(file), helper_(file.helper_for(key)) {}

AuthConfig CredentialStore::file_get(const std::string& key) const {
    if (auto a = file_.auth(key)) return *a;
    // Older files keyed a server by URL ("https://host:5000/v1/"): match on the host.
    for (const auto& [k, a] : file_.auths())
        if (convert_to_hostname(k) == key) return a;
    return {};
}

AuthConfig CredentialStore::get(const std::string& key) const {
    if (helper_.empty()) return file_get(key);
    AuthConfig auth = file_get(key);
    auto creds = CredentialHelper(helper_).get(key);
    if (!creds) {
        auth.username.clear();
        auth.password.clear();
        auth.identity_token.clear();
        auth.server_address.clear();
        return auth;
    }
    auth.username.clear();
    auth.password.clear();
    auth.identity_token.clear();
    if (creds->username == kTokenUsername) {
        auth.identity_token = creds->secret;
    } else {
        auth.username = creds->username;
        auth.password = creds->secret;
    }
    auth.server_address = key;
    return auth;
}

bool CredentialStore::store(const AuthConfig& auth) {
    AuthConfig in_file = auth;
    if (!helper_.empty()) {
        HelperCredentials creds{auth.server_address, auth.username, auth.password};
        if (!auth.identity_token.empty()) {
            creds.username = kTokenUsername;
            creds.secret = auth.identity_token;
        }
        CredentialHelper(helper_).store(creds);
        in_file.username.clear();
        in_file.password.clear();
        in_file.identity_token.clear();
    }
    // As docker's fileStore: an unchanged entry does not rewrite the file.
    if (auto old = file_.auth(auth.server_address)) {
        AuthConfig wanted = in_file;
        wanted.auth.clear();
        if (*old == wanted) return false;
    }
    file_.set_auth(auth.server_address, in_file);
    file_.save();
    return !in_file.password.empty();
}

void CredentialStore::erase(const std::string& key) {
    if (!helper_.empty()) CredentialHelper(helper_).erase(key);
    if (file_.erase_auth(key)) file_.save();
}

Credentials::Credentials(const std::string& berth_dir, const std::string& docker_dir)
    : berth_(ConfigFile::load(berth_dir + "/config.json")) {
    if (docker_dir.empty() || docker_dir == berth_dir) return;
    try {
        docker_ = ConfigFile::load(docker_dir + "/config.json");
        have_docker_ = true;
    } catch (const std::exception&) {
    }
}

AuthConfig Credentials::get(const std::string& key) {
    AuthConfig auth = CredentialStore(berth_, key).get(key);
    if (!auth.empty() || !have_docker_) return auth;
    return CredentialStore(docker_, key).get(key);
}

bool Credentials::store(const AuthConfig& auth) {
    return CredentialStore(berth_, auth.server_address).store(auth);
}

void Credentials::erase(const std::string& key) {
    CredentialStore(berth_, key).erase(key);
}

}  // namespace berth::cli
