// Docker's default mounts (moby oci/defaults.go), the /etc files, /dev/shm, Tmpfs, the init.
#include <sstream>

#include "common/error.hpp"
#include "engine/oci_config.hpp"

namespace berth::engine {

namespace {

constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;

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

}  // namespace

Json oci_mounts(const OciInputs& in) {
    const Json& hc = in.host_config;
    bool privileged = json_bool(hc, "Privileged");
    std::string ro_unless_privileged = privileged ? "rw" : "ro";
    int64_t shm = json_int(hc, "ShmSize", 0);
    if (shm < 0) throw Error(Errc::invalid_argument, "SHM size can not be less than 0");
    if (shm == 0) shm = kDefaultShmSize;

    Json m = Json::array();
    m.push_back(mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}));
    m.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    m.push_back(mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
    m.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", ro_unless_privileged}));
    m.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {ro_unless_privileged, "nosuid", "noexec", "nodev"}));
    m.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    m.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(shm)}));

    // The container's own /etc files, made by the engine in its directory (etc_files.hpp).
    for (const char* f : {"resolv.conf", "hostname", "hosts"}) {
        m.push_back(mount(std::string("/etc/") + f, "bind", in.container_dir + "/" + f, {"rbind", "rprivate"}));
    }
    if (hc.is_object() && hc.contains("Tmpfs") && hc["Tmpfs"].is_object()) {
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
            m.push_back(mount(dest, "tmpfs", "tmpfs", options));
        }
    }
    if (json_bool(hc, "Init")) {
        if (in.init_path.empty()) throw Error(Errc::invalid_argument, "--init: no init binary (berth-init) is configured");
        m.push_back(mount("/sbin/docker-init", "bind", in.init_path, {"bind", "ro", "nosuid", "nodev"}));
    }
    return m;
}

}  // namespace berth::engine
