#include "registry/registry_hosts.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <filesystem>

#include "common/file_util.hpp"

namespace berth::registry {

namespace {

std::string host_without_port(const std::string& host) {
    if (host.starts_with("[")) {
        size_t close = host.find(']');
        return close == std::string::npos ? host : host.substr(1, close - 1);
    }
    size_t colon = host.rfind(':');
    if (colon != std::string::npos && host.find(':') == colon) return host.substr(0, colon);
    return host;
}

bool in_cidr(const std::string& ip, const std::string& cidr) {
    size_t slash = cidr.find('/');
    if (slash == std::string::npos) return false;
    in_addr a{}, net{};
    if (inet_pton(AF_INET, ip.c_str(), &a) != 1) return false;
    if (inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &net) != 1) return false;
    int bits = std::stoi(cidr.substr(slash + 1));
    if (bits < 0 || bits > 32) return false;
    uint32_t mask = bits == 0 ? 0 : htonl(~uint32_t{0} << (32 - bits));
    return (a.s_addr & mask) == (net.s_addr & mask);
}

std::string read_if_exists(const std::string& path) {
    try {
        return read_file(path);
    } catch (...) {
        return "";
    }
}

}  // namespace

bool is_docker_hub(const std::string& host) {
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io" ||
           host == "https://index.docker.io/v1/" || host.empty();
}

bool is_insecure_host(const RegistryConfig& config, const std::string& host) {
    std::string name = host_without_port(host);
    if (name == "localhost" || name == "::1" || in_cidr(name, "127.0.0.0/8")) return true;
    for (const auto& entry : config.insecure) {
        if (entry == host || entry == name) return true;
        if (entry.find('/') != std::string::npos && in_cidr(name, entry)) return true;
    }
    return false;
}

RegistryHosts::RegistryHosts(RegistryConfig config)
    : config_(std::move(config)), download_slots_(std::max(1, config_.max_concurrent_downloads)) {}

TlsFiles RegistryHosts::tls_for(const std::string& host) {
    TlsFiles tls;
    std::string dir = config_.certs_dir + "/" + host;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return tls;
    std::string extra;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        std::string ext = p.extension();
        if (ext == ".crt") extra += read_if_exists(p) + "\n";
        if (ext == ".cert") {
            // Docker pairs client.cert with client.key.
            std::string key = p.parent_path() / (p.stem().string() + ".key");
            tls.client_cert = p;
            tls.client_key = key;
        }
    }
    if (!extra.empty()) {
        std::lock_guard lock(mutex_);
        if (!system_ca_read_) {
            system_ca_ = read_if_exists("/etc/ssl/certs/ca-certificates.crt");
            system_ca_read_ = true;
        }
        // The system store plus the host's own CAs, as Docker's certs.d adds to the pool.
        tls.ca_bundle = system_ca_ + "\n" + extra;
    }
    return tls;
}

std::vector<Endpoint> RegistryHosts::endpoints(const std::string& host) {
    std::vector<Endpoint> out;
    if (is_docker_hub(host)) {
        for (std::string m : config_.mirrors) {
            while (m.ends_with("/")) m.pop_back();
            Endpoint e;
            e.host = m.substr(m.find("://") == std::string::npos ? 0 : m.find("://") + 3);
            e.base_url = m.find("://") == std::string::npos ? "https://" + m : m;
            e.insecure = is_insecure_host(config_, e.host);
            e.mirror = true;
            e.tls = tls_for(e.host);
            e.tls.skip_verify = e.insecure;
            out.push_back(std::move(e));
        }
        Endpoint hub;
        hub.host = "docker.io";
        hub.base_url = "https://registry-1.docker.io";
        hub.tls = tls_for("docker.io");
        out.push_back(std::move(hub));
        return out;
    }
    Endpoint e;
    e.host = host;
    e.insecure = is_insecure_host(config_, host);
    std::string scheme = known_scheme(host);
    e.base_url = (scheme.empty() ? "https" : scheme) + "://" + host;
    e.tls = tls_for(host);
    e.tls.skip_verify = e.insecure;
    out.push_back(std::move(e));
    return out;
}

void RegistryHosts::remember_scheme(const std::string& host, const std::string& scheme) {
    std::lock_guard lock(mutex_);
    schemes_[host] = scheme;
}

std::string RegistryHosts::known_scheme(const std::string& host) {
    std::lock_guard lock(mutex_);
    auto it = schemes_.find(host);
    return it == schemes_.end() ? "" : it->second;
}

std::string RegistryHosts::cached_token(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(key);
    if (it == tokens_.end()) return "";
    if (std::chrono::steady_clock::now() >= it->second.second) {
        tokens_.erase(it);
        return "";
    }
    return it->second.first;
}

void RegistryHosts::cache_token(const std::string& key, const std::string& token,
                                std::chrono::seconds ttl) {
    std::lock_guard lock(mutex_);
    tokens_[key] = {token, std::chrono::steady_clock::now() + ttl};
}

}  // namespace berth::registry
