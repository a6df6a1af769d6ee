#pragma once
// The /etc/hosts, /etc/hostname and /etc/resolv.conf a container gets, written into its
// directory and bind-mounted (Docker keeps them per container so they can change later).
#include <string>
#include <utility>
#include <vector>

namespace berth::engine {

// HostConfig.Dns, DnsSearch, DnsOptions (`--dns`, `--dns-search`, `--dns-option`).
struct DnsSettings {
    std::vector<std::string> servers, search, options;
    bool any() const { return !servers.empty() || !search.empty() || !options.empty(); }
};

struct EtcFilesOptions {
    std::string hostname;       // also the name in /etc/hosts
    std::string network_mode;   // "none", "host", "bridge"...
    DnsSettings dns;
    std::vector<std::pair<std::string, std::string>> extra_hosts;  // (name, ip): `--add-host`
    std::string host_resolv_conf = "/etc/resolv.conf";
    std::string host_hosts = "/etc/hosts";
};

// resolv.conf from the host's without 127.x / ::1 nameservers (unreachable from a separate
// network namespace; Docker then falls back to public DNS); none at all for NetworkMode none.
// With DNS settings, Docker's generated form: each part given replaces the host's
// (nameserver lines, then search, then options).
std::string make_resolv_conf(const std::string& host_text, const std::string& network_mode,
                             const DnsSettings& dns = {});
// Docker's default entries, the extra hosts ("IP\tname"), then the container's own name.
std::string make_hosts(const std::string& hostname, const std::string& network_mode, const std::string& host_hosts_text,
                       const std::vector<std::pair<std::string, std::string>>& extra_hosts = {});

// "name:ip" (the IP may be IPv6: the name ends at the first ':'). invalid_argument with
// moby's words for a malformed entry; "host-gateway" needs bridge networks, not built yet.
std::pair<std::string, std::string> parse_extra_host(const std::string& entry);

void write_etc_files(const std::string& dir, const EtcFilesOptions& options);

}  // namespace berth::engine
