#include "engine/etc_files.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <sstream>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::engine {

namespace {

bool is_ip_address(const std::string& text) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, text.c_str(), buf) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

}  // namespace

std::string make_resolv_conf(const std::string& host_text, const std::string& network_mode, const DnsSettings& dns) {
    std::istringstream in(host_text);
    std::string line, out;
    std::vector<std::string> host_servers, host_search, host_options;
    bool host_net = network_mode == "host";
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string key, value;
        words >> key;
        if (key == "nameserver") {
            words >> value;
            bool local = value.starts_with("127.") || value == "::1";
            if (network_mode == "none" || (local && !host_net)) continue;
            host_servers.push_back(value);
        } else if (key == "search" || key == "domain") {
            host_search.clear();  // the last one wins, as in the resolver
            while (words >> value) host_search.push_back(value);
        } else if (key == "options") {
            while (words >> value) host_options.push_back(value);
        }
        if (!dns.any()) out += line + "\n";
    }
    bool fallback = host_servers.empty() && network_mode != "none";
    if (!dns.any()) {
        // Docker's fallback when the host only has a local resolver.
        if (fallback) out += "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
        return out;
    }
    std::vector<std::string> servers = !dns.servers.empty() ? dns.servers
                                       : fallback           ? std::vector<std::string>{"8.8.8.8", "8.8.4.4"}
                                                            : host_servers;
    const auto& search = dns.search.empty() ? host_search : dns.search;
    const auto& options = dns.options.empty() ? host_options : dns.options;
    for (const auto& s : servers) out += "nameserver " + s + "\n";
    if (!search.empty() && joined(search) != ".") out += "search " + joined(search) + "\n";
    if (!options.empty()) out += "options " + joined(options) + "\n";
    return out;
}

std::pair<std::string, std::string> parse_extra_host(const std::string& entry) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0) {
        throw Error(Errc::invalid_argument, "bad format for add-host: \"" + entry + "\"");
    }
    std::string name = entry.substr(0, colon), ip = entry.substr(colon + 1);
    if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (ip == "host-gateway") {
        throw Error(Errc::invalid_argument, "add-host \"" + entry +
                                                "\": host-gateway needs berth's bridge networks, which are not built yet");
    }
    if (!is_ip_address(ip)) throw Error(Errc::invalid_argument, "invalid IP address in add-host: \"" + ip + "\"");
    return {name, ip};
}

std::string make_hosts(const std::string& hostname, const std::string& network_mode, const std::string& host_text,
                       const std::vector<std::pair<std::string, std::string>>& extra_hosts) {
    std::string extra;
    for (const auto& [name, ip] : extra_hosts) extra += ip + "\t" + name + "\n";
    if (network_mode == "host") return host_text + (host_text.empty() || host_text.ends_with("\n") ? "" : "\n") + extra;
    std::string out =
        "127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "ff00::0\tip6-mcastprefix\n"
        "ff02::1\tip6-allnodes\n"
        "ff02::2\tip6-allrouters\n";
    out += extra;
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
    write_file_atomic(dir + "/hosts", make_hosts(hostname, o.network_mode, host_hosts, o.extra_hosts), 0644, Durability::none);
    write_file_atomic(dir + "/resolv.conf", make_resolv_conf(host_resolv, o.network_mode, o.dns), 0644, Durability::none);
}

}  // namespace berth::engine
