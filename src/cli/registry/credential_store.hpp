#pragma once
// Where the credentials of a registry are kept, as docker's configfile.GetCredentialsStore
// decides: a credential helper when config.json names one for the server (credHelpers) or for
// all (credsStore), else config.json itself. With a helper the file keeps an empty entry for the
// server, as docker's nativeStore does, so `logout` and tools listing "auths" still see it.
//
// Credentials reads berth's own config.json first and, for a server it has nothing for, Docker's
// (~/.docker/config.json), so a `docker login` already done serves berth too; it writes berth's
// file only.
#include <string>

#include "cli/registry/auth_config.hpp"
#include "cli/registry/config_file.hpp"

namespace berth::cli {

class CredentialStore {
  public:
    // The store for `key` ("https://index.docker.io/v1/", "127.0.0.1:5000") in `file`.
    CredentialStore(ConfigFile& file, const std::string& key);

    // Empty AuthConfig when there is nothing for `key`.
    AuthConfig get(const std::string& key) const;
    // Stores under auth.server_address. True when a password went into the file in clear text
    // (the caller warns, as docker does); false for a helper or an unchanged entry.
    bool store(const AuthConfig& auth);
    void erase(const std::string& key);

    const std::string& helper() const { return helper_; }

  private:
    AuthConfig file_get(const std::string& key) const;
    ConfigFile& file_;
    std::string helper_;
};

class Credentials {
  public:
    // Loads berth's config.json from `berth_dir` and Docker's from `docker_dir` ("" for none).
    // A Docker file that cannot be read is ignored (it is only a fallback).
    Credentials(const std::string& berth_dir, const std::string& docker_dir);

    // The login for `key`, berth's first, then Docker's; empty when neither has one.
    AuthConfig get(const std::string& key);
    // As CredentialStore::store.
    bool store(const AuthConfig& auth);
    // docker logout's erase for one key: false when berth's file had nothing under it.
    void erase(const std::string& key);

    ConfigFile& berth_file() { return berth_; }
    const std::string& filename() const { return berth_.filename(); }

  private:
    ConfigFile berth_;
    ConfigFile docker_;
    bool have_docker_ = false;
};

}  // namespace berth::cli
