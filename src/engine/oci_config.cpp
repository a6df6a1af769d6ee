// Assembly of config.json: root, hostname, namespaces, and the parts from the other files.
#include "engine/oci_config.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/blkio_settings.hpp"
#include "engine/namespace_modes.hpp"
#include "engine/shareable_shm.hpp"
#include "runtime/mount_parent.hpp"
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

std::string host_name() {
    char name[256] = "";
    ::gethostname(name, sizeof name - 1);
    return name;
}

std::string read_first_line(const std::string& path) {
    std::string text = read_file_if_exists(path).value_or("");
    return text.substr(0, text.find('\n'));
}

// /dev/shm as moby's IpcMode: none has none; host binds the host's; shareable binds its own
// host-side tmpfs (shareable_shm.hpp), and container:X binds X's.
void share_dev_shm(Json& mounts, const NamespacePlan& ns, const std::string& container_dir) {
    for (auto it = mounts.begin(); it != mounts.end(); ++it) {
        if ((*it)["destination"] != "/dev/shm" || (*it)["type"] != "tmpfs") continue;
        std::string source;
        if (ns.ipc_mode == "none") {
            mounts.erase(it);
            return;
        }
        if (ns.ipc_mode == "host") source = "/dev/shm";
        if (ns.ipc_mode == "shareable") source = shareable_shm_path(container_dir);
        if (!ns.ipc_donor_dir.empty()) source = shareable_shm_path(ns.ipc_donor_dir);
        if (!source.empty())
            *it = {{"destination", "/dev/shm"}, {"type", "bind"}, {"source", source}, {"options", {"rbind", "rprivate"}}};
        return;
    }
}

}  // namespace

// moby's ensureShared / ensureSharedOrSlave: a shared bind whose source's mount does not
// propagate would silently not share; dockerd refuses it naming the path and the mount.
static void check_source_propagation(const std::string& source, bool need_shared) {
    char resolved[PATH_MAX];
    if (source.empty() || !::realpath(source.c_str(), resolved)) return;  // the mount reports it
    auto m = runtime::mount_of(resolved);
    if (m.mount_point.empty()) return;
    if (need_shared && !m.shared)
        throw Error(Errc::invalid_argument, "path " + source + " is mounted on " + m.mount_point + " but it is not a shared mount");
    if (!need_shared && !m.shared && !m.slave)
        throw Error(Errc::invalid_argument,
                    "path " + source + " is mounted on " + m.mount_point + " but it is not a shared or slave mount");
}

Json build_oci_config(const OciInputs& in) {
    const Json& hc = in.host_config;
    bool privileged = json_bool(hc, "Privileged");
    auto caps = container_capabilities(hc);
    Json spec = {{"ociVersion", "1.2.0"}};
    spec["process"] = oci_process(in, caps);
    spec["root"] = {{"path", in.rootfs}, {"readonly", json_bool(hc, "ReadonlyRootfs")}};
    NamespacePlan ns = plan_namespaces(hc, in.cgroup_v2, in.join);
    bool host_net = ns.host_network;
    bool own_uts = json_string(hc, "UTSMode") != "host";
    if (!own_uts) {
        // --uts host: the host's name, which the container may not set (no "hostname").
    } else if (ns.network_donor) {
        // --network container:X: X's hostname, as moby copies X's Config.Hostname.
        std::string h = read_first_line("/proc/" + std::to_string(ns.network_donor) + "/root/etc/hostname");
        spec["hostname"] = h.empty() ? container_hostname(in) : h;
    } else if (host_net && json_string(in.config, "Hostname").empty()) {
        spec["hostname"] = host_name();
    } else {
        spec["hostname"] = container_hostname(in);
    }
    if (auto d = json_string(in.config, "Domainname"); !d.empty() && own_uts) spec["domainname"] = d;
    spec["mounts"] = oci_mounts(in);
    share_dev_shm(spec["mounts"], ns, in.container_dir);

    Json linux = Json::object();
    // A shared or slave bind needs a root that propagates too (moby's WithMounts).
    for (const auto& mnt : spec["mounts"]) {
        if (mnt["type"] != "bind") continue;
        for (const auto& o : mnt["options"]) {
            bool shared = o == "shared" || o == "rshared", slave = o == "slave" || o == "rslave";
            if (shared || slave) check_source_propagation(mnt.value("source", ""), shared);
            if (shared) linux["rootfsPropagation"] = "rshared";
            if (slave && linux.value("rootfsPropagation", "") != "rshared") linux["rootfsPropagation"] = "rslave";
        }
    }
    linux["namespaces"] = ns.namespaces;
    std::string parent = json_string(hc, "CgroupParent");
    linux["cgroupsPath"] = (parent.empty() ? std::string("/berth") : (parent[0] == '/' ? parent : "/" + parent)) + "/" + in.id;
    // As moby re-verifies at start: a record made before berth checked (or on a host whose
    // cgroups have changed since) starts without what the host lacks, not with a failed write.
    Json kept = hc;
    (void)discard_unsupported_blkio(kept, host_blkio());
    linux["resources"] = oci_resources(kept);

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
