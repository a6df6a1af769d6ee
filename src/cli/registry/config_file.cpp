#include "cli/registry/config_file.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_depth.hpp"

namespace berth::cli {

using client::Json;

namespace {

std::string home_dir() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr)
        return pw->pw_dir;
    return "/";
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string string_member(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An "auths" entry as docker's LoadFromReader decodes it.
std::optional<AuthConfig> decode_entry(const std::string& key, const Json& entry) {
    if (!entry.is_object()) return std::nullopt;
    AuthConfig a;
    a.email = string_member(entry, "email");
    a.identity_token = string_member(entry, "identitytoken");
    a.registry_token = string_member(entry, "registrytoken");
    a.username = string_member(entry, "username");
    a.password = string_member(entry, "password");
    if (std::string auth = string_member(entry, "auth"); !auth.empty()) {
        auto decoded = base64_decode(auth);
        auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos) return std::nullopt;
        a.username = decoded->substr(0, colon);
        a.password = decoded->substr(colon + 1);
        // docker trims a trailing NUL some old tools wrote
        while (!a.password.empty() && a.password.back() == '\0') a.password.pop_back();
    }
    a.server_address = key;
    return a;
}

}  // namespace

ConfigFile ConfigFile::parse(const std::string& filename, const std::string& content) {
    ConfigFile file(filename);
    std::string trimmed = content;
    if (trimmed.find_first_not_of(" \t\r\n") == std::string::npos) return file;
    try {
        if (json_nesting_exceeds(trimmed)) throw Error(Errc::invalid_argument, "nested too deeply");
        file.doc_ = Json::parse(trimmed);
    } catch (const std::exception& e) {
        throw Error(Errc::invalid_argument,
                    "loading config file: " + filename + ": " + std::string(e.what()));
    }
    if (!file.doc_.is_object())
        throw Error(Errc::invalid_argument, "loading config file: " + filename +
                                                ": json: cannot unmarshal into the configuration");
    if (auto auths = file.doc_.find("auths"); auths != file.doc_.end() && auths->is_object())
        for (auto it = auths->begin(); it != auths->end(); ++it)
            if (it->is_object() && !string_member(*it, "auth").empty() &&
                !decode_entry(it.key(), *it))
                throw Error(Errc::invalid_argument, "loading config file: " + filename +
                                                        ": invalid auth configuration file");
    return file;
}

ConfigFile ConfigFile::load(const std::string& filename) {
    auto content = read_file_if_exists(filename);
    if (!content) return ConfigFile(filename);
    return parse(filename, *content);
}

std::optional<AuthConfig> ConfigFile::auth(const std::string& key) const {
    auto auths = doc_.find("auths");
    if (auths == doc_.end() || !auths->is_object()) return std::nullopt;
    auto entry = auths->find(key);
    if (entry == auths->end()) return std::nullopt;
    return decode_entry(key, *entry);
}

std::map<std::string, AuthConfig> ConfigFile::auths() const {
    std::map<std::string, AuthConfig> out;
    auto auths = doc_.find("auths");
    if (auths == doc_.end() || !auths->is_object()) return out;
    for (auto it = auths->begin(); it != auths->end(); ++it)
        if (auto a = decode_entry(it.key(), *it)) out[it.key()] = *a;
    return out;
}

void ConfigFile::set_auth(const std::string& key, const AuthConfig& a) {
    Json entry = Json::object();
    if (!a.username.empty() || !a.password.empty())
        entry["auth"] = base64_encode(a.username + ":" + a.password);
    if (!a.email.empty()) entry["email"] = a.email;
    if (!a.identity_token.empty()) entry["identitytoken"] = a.identity_token;
    if (!a.registry_token.empty()) entry["registrytoken"] = a.registry_token;
    if (!doc_.contains("auths") || !doc_["auths"].is_object()) doc_["auths"] = Json::object();
    doc_["auths"][key] = std::move(entry);
}

bool ConfigFile::erase_auth(const std::string& key) {
    auto auths = doc_.find("auths");
    if (auths == doc_.end() || !auths->is_object() || !auths->contains(key)) return false;
    auths->erase(key);
    return true;
}

std::string ConfigFile::helper_for(const std::string& key) const {
    if (auto helpers = doc_.find("credHelpers"); helpers != doc_.end() && helpers->is_object())
        if (auto it = helpers->find(key); it != helpers->end() && it->is_string())
            return it->get<std::string>();
    return string_member(doc_, "credsStore");
}

std::string ConfigFile::serialize() const {
    return doc_.dump(1, '\t', false, Json::error_handler_t::replace);
}

void ConfigFile::save() const {
    if (filename_.empty()) throw Error(Errc::internal, "Can't save config with empty filename");
    auto slash = filename_.rfind('/');
    if (slash != std::string::npos && slash > 0) mkdir_all(filename_.substr(0, slash), 0700);
    // The credentials are in the file: only its owner may read it.
    write_file_atomic(filename_, serialize(), 0600);
}

std::string berth_config_dir(const std::string& flag) {
    if (!flag.empty()) return flag;
    return env_or("BERTH_CONFIG", home_dir() + "/.berth");
}

std::string docker_config_dir() {
    return env_or("DOCKER_CONFIG", home_dir() + "/.docker");
}

}  // namespace berth::cli
