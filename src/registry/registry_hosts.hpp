#pragma once
// Where a registry host is reached and how: Docker's rules for names, mirrors, insecure
// registries and certs.d, and the shared caches (which scheme a host answered on, bearer
// tokens). One per daemon, shared by every pull, push and login.
#include <chrono>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "registry/http.hpp"

namespace berth::registry {

struct RegistryConfig {
    std::vector<std::string> mirrors;   // daemon.json registry-mirrors (docker.io only)
    std::vector<std::string> insecure;  // daemon.json insecure-registries: host[:port] or CIDR
    std::string certs_dir = "/etc/berth/certs.d";
    int max_concurrent_downloads = 3;
    int max_concurrent_uploads = 5;
};

struct Endpoint {
    std::string host;      // as in the reference: "docker.io", "127.0.0.1:5000"
    std::string base_url;  // "https://registry-1.docker.io", "http://127.0.0.1:5000"
    bool insecure = false;  // plain http (or unverified https) allowed
    bool mirror = false;
    TlsFiles tls;
};

// "docker.io", "index.docker.io", "registry-1.docker.io" and Docker's v1 index URL are one.
bool is_docker_hub(const std::string& host);
// Loopback hosts (localhost, 127.0.0.0/8, ::1), and those the config lists, may use plain http.
bool is_insecure_host(const RegistryConfig& config, const std::string& host);

class RegistryHosts {
  public:
    explicit RegistryHosts(RegistryConfig config);

    const RegistryConfig& config() const { return config_; }

    // The endpoints to try for `host`, in order: docker.io's mirrors then Docker Hub itself,
    // or the host itself. For an insecure host the scheme is found by a ping (https first,
    // as Docker) and remembered.
    std::vector<Endpoint> endpoints(const std::string& host);
    void remember_scheme(const std::string& host, const std::string& scheme);
    std::string known_scheme(const std::string& host);

    // Layer downloads in flight across every pull at once: max-concurrent-downloads is the
    // daemon's limit, as dockerd's, not each pull's. Taken around each blob's download.
    std::counting_semaphore<1024>& download_slots() { return download_slots_; }

    // Bearer tokens by realm, service, scope and user, until they expire.
    std::string cached_token(const std::string& key);
    void cache_token(const std::string& key, const std::string& token, std::chrono::seconds ttl);

  private:
    TlsFiles tls_for(const std::string& host);

    RegistryConfig config_;
    std::counting_semaphore<1024> download_slots_;
    std::mutex mutex_;
    std::map<std::string, std::string> schemes_;
    std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> tokens_;
    std::string system_ca_;  // read once
    bool system_ca_read_ = false;
};

}  // namespace berth::registry
