#pragma once
// The /etc/hosts, /etc/hostname and /etc/resolv.conf a container gets, written into its
// directory and bind-mounted (Docker keeps them per container so they can change later).
#include <string>

namespace berth::engine {

struct EtcFilesOptions {
    std::string hostname;       // also the name in /etc/hosts
    std::string network_mode;   // "none", "host", "bridge"...
    std::string host_resolv_conf = "/etc/resolv.conf";
    std::string host_hosts = "/etc/hosts";
};

// resolv.conf from the host's without 127.x / ::1 nameservers (unreachable from a separate
// network namespace; Docker then falls back to public DNS); none at all for NetworkMode none.
std::string make_resolv_conf(const std::string& host_text, const std::string& network_mode);
std::string make_hosts(const std::string& hostname, const std::string& network_mode, const std::string& host_hosts_text);

void write_etc_files(const std::string& dir, const EtcFilesOptions& options);

}  // namespace berth::engine
