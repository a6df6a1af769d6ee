#include "engine/etc_files.hpp"

#include <sstream>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::engine {

std::string make_resolv_conf(const std::string& host_text, const std::string& network_mode) {
    std::istringstream in(host_text);
    std::string line, out;
    bool has_nameserver = false;
    bool host_net = network_mode == "host";
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string key, value;
        words >> key >> value;
        if (key == "nameserver") {
            bool local = value.starts_with("127.") || value == "::1";
            if (network_mode == "none" || (local && !host_net)) continue;
            has_nameserver = true;
        }
        out += line + "\n";
    }
    if (!has_nameserver && network_mode != "none") {
        // Docker's fallback when the host only has a local resolver.
        out += "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
    }
    return out;
}

std::string make_hosts(const std::string& hostname, const std::string& network_mode, const std::string& host_text) {
    if (network_mode == "host") return host_text;
    std::string out =
        "127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "ff00::0\tip6-mcastprefix\n"
        "ff02::1\tip6-allnodes\n"
        "ff02::2\tip6-allrouters\n";
    // Without an interface address (none, or before the network module exists) the name
    // resolves to loopback, so `hostname -i` and tools that look themselves up still work.
    out += "127.0.0.1\t" + hostname + "\n";
    return out;
}

void write_etc_files(const std::string& dir, const EtcFilesOptions& o) {
    std::string host_resolv, host_hosts;
    try {
        host_resolv = read_file_if_exists(o.host_resolv_conf).value_or("");
        host_hosts = read_file_if_exists(o.host_hosts).value_or("");
    } catch (const Error&) {
    }
    std::string hostname = o.hostname;
    // Regenerated before every start, so a crash before they reach the disk loses nothing;
    // an fsync each forced a journal commit on the start path.
    write_file_atomic(dir + "/hostname", hostname + "\n", 0644, Durability::none);
    write_file_atomic(dir + "/hosts", make_hosts(hostname, o.network_mode, host_hosts), 0644, Durability::none);
    write_file_atomic(dir + "/resolv.conf", make_resolv_conf(host_resolv, o.network_mode), 0644, Durability::none);
}

}  // namespace berth::engine
