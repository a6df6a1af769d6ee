// Docker's default mounts (moby oci/defaults.go), the /etc files, /dev/shm, Tmpfs, the user's
// binds and tmpfs mounts (HostConfig.Binds and Mounts, parsed by volume/), the init.
#include <algorithm>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "engine/oci_config.hpp"
#include "volume/mount_spec.hpp"

namespace berth::engine {

namespace {

Json mount(const std::string& dest, const std::string& type, const std::string& source, std::vector<std::string> options) {
    return {{"destination", dest}, {"type", type}, {"source", source}, {"options", options}};
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

// moby 25's choice for a read-only bind: read-only all the way down ("rro") unless the mount
// or the client's API version says non-recursive, or the runtime or kernel cannot (then "ro"
// alone, unless ReadOnlyForceRecursive demands it).
bool read_only_recursively(const OciInputs& in, const volume::MountPoint& u) {
    if (u.read_only_non_recursive) return false;
    std::string why = in.recursive_read_only_unsupported ? in.recursive_read_only_unsupported() : "";
    if (why.empty()) return true;
    if (u.read_only_force_recursive) throw Error(Errc::invalid_argument, why + " (" + u.origin + ")");
    return false;
}

}  // namespace

Json oci_mounts(const OciInputs& in) {
    const Json& hc = in.host_config;
    bool privileged = json_bool(hc, "Privileged");
    std::string ro_unless_privileged = privileged ? "rw" : "ro";
    int64_t shm = json_int(hc, "ShmSize", 0);
    if (shm < 0) throw Error(Errc::invalid_argument, "SHM size can not be less than 0");
    if (shm == 0) shm = kDefaultShmSize;

    // The user's mounts (Binds, Mounts, Tmpfs) replace a default or /etc file at the same
    // destination, and a user /dev takes every default under /dev, as moby's WithMounts.
    auto user = volume::container_mounts(hc, false, in.read_only_binds_non_recursive);
    std::set<std::string> user_dests;
    for (const auto& u : user) user_dests.insert(u.destination);
    bool has_tmpfs = hc.is_object() && hc.contains("Tmpfs") && hc["Tmpfs"].is_object();
    if (has_tmpfs) {
        for (const auto& [dest, opts] : hc["Tmpfs"].items()) user_dests.insert(volume::clean_path(dest));
    }
    bool user_dev = user_dests.count("/dev") > 0;
    auto overridden = [&](const std::string& dest) { return user_dests.count(dest) || (user_dev && dest.rfind("/dev/", 0) == 0); };

    Json m = Json::array();
    auto add_default = [&](Json mnt) {
        if (!overridden(mnt["destination"].get<std::string>())) m.push_back(std::move(mnt));
    };
    add_default(mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}));
    add_default(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    add_default(mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
    add_default(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", ro_unless_privileged}));
    add_default(mount("/sys/fs/cgroup", "cgroup", "cgroup", {ro_unless_privileged, "nosuid", "noexec", "nodev"}));
    add_default(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    add_default(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(shm)}));

    // Then, sorted by depth so a parent is mounted before what goes inside it (moby's
    // sortMounts): the container's own /etc files (etc_files.hpp), HostConfig.Tmpfs, the
    // user's binds and tmpfs mounts.
    Json later = Json::array();
    for (const char* f : {"resolv.conf", "hostname", "hosts"}) {
        std::string dest = std::string("/etc/") + f;
        if (!user_dests.count(dest)) later.push_back(mount(dest, "bind", in.container_dir + "/" + f, {"rbind", "rprivate"}));
    }
    if (has_tmpfs) {
        for (const auto& [dest, opts] : hc["Tmpfs"].items()) {
            if (dest.empty() || dest[0] != '/') throw Error(Errc::invalid_argument, "invalid mount path: '" + dest + "' mount path must be absolute");
            std::vector<std::string> options = {"noexec", "nosuid", "nodev"};
            if (opts.is_string()) {
                for (const auto& o : split_commas(opts.get<std::string>())) {
                    // A user "exec" or "suid" undoes the default, as Docker's tmpfs option merge does.
                    std::string opposite = o == "exec" ? "noexec" : o == "suid" ? "nosuid" : o == "dev" ? "nodev" : "";
                    if (!opposite.empty()) std::erase(options, opposite);
                    options.push_back(o);
                }
            }
            later.push_back(mount(dest, "tmpfs", "tmpfs", options));
        }
    }
    for (const auto& u : user) {
        if (u.type == "bind") {
            std::vector<std::string> options = {u.non_recursive ? "bind" : "rbind", u.propagation};
            if (!u.rw) {
                options.push_back("ro");
                if (read_only_recursively(in, u)) options.push_back("rro");
            }
            later.push_back(mount(u.destination, "bind", u.source, options));
        } else if (u.type == "tmpfs") {
            std::vector<std::string> options = {"noexec", "nosuid", "nodev", "rprivate"};
            for (const auto& o : split_commas(u.tmpfs_data)) {
                if (o == "exec") std::erase(options, std::string("noexec"));
                options.push_back(o);
            }
            later.push_back(mount(u.destination, "tmpfs", "tmpfs", options));
        }
    }
    auto depth = [](const Json& mnt) {
        std::string d = volume::clean_path(mnt["destination"].get<std::string>());
        return std::count(d.begin(), d.end(), '/') + (d == "/" ? 0 : 1);
    };
    std::stable_sort(later.begin(), later.end(), [&](const Json& a, const Json& b) { return depth(a) < depth(b); });
    for (auto& x : later) m.push_back(std::move(x));
    if (json_bool(hc, "Init")) {
        if (in.init_path.empty()) throw Error(Errc::invalid_argument, "--init: no init binary (berth-init) is configured");
        m.push_back(mount("/sbin/docker-init", "bind", in.init_path, {"bind", "ro", "nosuid", "nodev"}));
    }
    return m;
}

}  // namespace berth::engine
