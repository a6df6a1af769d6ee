// Assembly of config.json: root, hostname, namespaces, and the parts from the other files.
#include "engine/oci_config.hpp"

#include <unistd.h>

#include "common/error.hpp"
#include "runtime/seccomp/docker_profile.hpp"

namespace berth::engine {

int64_t json_int(const Json& o, const char* key, int64_t fallback) {
    if (!o.is_object()) return fallback;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return fallback;
    if (!it->is_number()) throw Error(Errc::invalid_argument, std::string(key) + ": expected a number");
    return it->get<int64_t>();
}

bool json_bool(const Json& o, const char* key, bool fallback) {
    if (!o.is_object()) return fallback;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) throw Error(Errc::invalid_argument, std::string(key) + ": expected a boolean");
    return it->get<bool>();
}

std::string json_string(const Json& o, const char* key, const std::string& fallback) {
    if (!o.is_object()) return fallback;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw Error(Errc::invalid_argument, std::string(key) + ": expected a string");
    return it->get<std::string>();
}

std::vector<std::string> json_strings(const Json& o, const char* key) {
    std::vector<std::string> out;
    if (!o.is_object()) return out;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return out;
    if (it->is_string()) return {it->get<std::string>()};  // Docker's StrSlice accepts a string
    if (!it->is_array()) throw Error(Errc::invalid_argument, std::string(key) + ": expected an array of strings");
    for (const auto& v : *it) {
        if (!v.is_string()) throw Error(Errc::invalid_argument, std::string(key) + ": expected an array of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

std::string container_hostname(const OciInputs& in) {
    std::string h = json_string(in.config, "Hostname");
    return h.empty() ? in.id.substr(0, 12) : h;
}

namespace {

std::string network_mode(const Json& hc) {
    std::string mode = json_string(hc, "NetworkMode");
    return mode.empty() || mode == "default" ? "bridge" : mode;
}

}  // namespace

Json build_oci_config(const OciInputs& in) {
    const Json& hc = in.host_config;
    bool privileged = json_bool(hc, "Privileged");
    auto caps = container_capabilities(hc);
    Json spec = {{"ociVersion", "1.2.0"}};
    spec["process"] = oci_process(in, caps);
    spec["root"] = {{"path", in.rootfs}, {"readonly", json_bool(hc, "ReadonlyRootfs")}};
    std::string mode = network_mode(hc);
    bool host_net = mode == "host";
    spec["hostname"] = host_net ? json_string(in.config, "Hostname", "") : container_hostname(in);
    if (host_net && spec["hostname"].get<std::string>().empty()) {
        char name[256] = "";
        ::gethostname(name, sizeof name - 1);
        spec["hostname"] = name;
    }
    if (auto d = json_string(in.config, "Domainname"); !d.empty()) spec["domainname"] = d;
    spec["mounts"] = oci_mounts(in);

    Json linux = Json::object();
    // A shared or slave bind needs a root that propagates too (moby's WithMounts).
    for (const auto& mnt : spec["mounts"]) {
        if (mnt["type"] != "bind") continue;
        for (const auto& o : mnt["options"]) {
            if (o == "shared" || o == "rshared") linux["rootfsPropagation"] = "rshared";
            if ((o == "slave" || o == "rslave") && linux.value("rootfsPropagation", "") != "rshared") linux["rootfsPropagation"] = "rslave";
        }
    }
    Json ns = Json::array({{{"type", "mount"}}, {{"type", "uts"}}});
    if (json_string(hc, "PidMode") != "host") ns.push_back({{"type", "pid"}});
    if (json_string(hc, "IpcMode") != "host") ns.push_back({{"type", "ipc"}});
    if (!host_net) {
        if (mode != "none" && mode != "bridge" && !mode.starts_with("container:")) {
            // User-defined networks belong to the network module; until it exists they are refused.
            throw Error(Errc::not_found, "network " + mode + " not found");
        }
        ns.push_back({{"type", "network"}});
    }
    std::string cgroupns = json_string(hc, "CgroupnsMode");
    if (cgroupns == "private" || (cgroupns.empty() && in.cgroup_v2)) ns.push_back({{"type", "cgroup"}});
    linux["namespaces"] = ns;
    std::string parent = json_string(hc, "CgroupParent");
    linux["cgroupsPath"] = (parent.empty() ? std::string("/berth") : (parent[0] == '/' ? parent : "/" + parent)) + "/" + in.id;
    linux["resources"] = oci_resources(hc);

    apply_security(in, caps, spec, linux);

    if (hc.is_object() && hc.contains("Sysctls") && hc["Sysctls"].is_object()) {
        for (const auto& [k, v] : hc["Sysctls"].items()) {
            if (!v.is_string()) throw Error(Errc::invalid_argument, "Sysctls." + k + ": expected a string");
            if (host_net && k.starts_with("net.")) {
                throw Error(Errc::invalid_argument, "sysctl \"" + k + "\" not allowed in host network namespace");
            }
            linux["sysctl"][k] = v;
        }
    }
    spec["linux"] = linux;
    (void)privileged;
    return spec;
}

}  // namespace berth::engine
