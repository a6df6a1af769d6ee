// Capabilities (CapAdd/CapDrop/"ALL"), Privileged, seccomp, masked and read-only paths,
// devices and the device cgroup (moby daemon/oci_linux.go, oci/caps, oci/defaults.go).
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/oci_config.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/seccomp/docker_profile.hpp"

namespace berth::engine {

namespace {

std::string normalize_cap(const std::string& name) {
    std::string up;
    for (char c : name) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up == "ALL") return up;
    if (!up.starts_with("CAP_")) up = "CAP_" + up;
    return up;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

Json device_rule(bool allow, const std::string& type, int64_t major, int64_t minor, const std::string& access) {
    Json r = {{"allow", allow}, {"access", access}};
    if (!type.empty()) r["type"] = type;
    if (major >= 0) r["major"] = major;
    if (minor >= 0) r["minor"] = minor;
    return r;
}

// A host device node as a linux.devices entry; nullopt when the path is not a device.
std::optional<Json> host_device(const std::string& host_path, const std::string& container_path) {
    struct stat st {};
    if (::stat(host_path.c_str(), &st) < 0) return std::nullopt;
    std::string type;
    if (S_ISCHR(st.st_mode)) type = "c";
    else if (S_ISBLK(st.st_mode)) type = "b";
    else return std::nullopt;
    return Json{{"path", container_path},       {"type", type},
                {"major", major(st.st_rdev)},   {"minor", minor(st.st_rdev)},
                {"fileMode", st.st_mode & 07777}, {"uid", st.st_uid}, {"gid", st.st_gid}};
}

// Every device under the host's /dev, for --privileged (as Docker: HostDevices()).
void add_host_devices(const std::string& dir, Json& devices) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (name == "pts" || name == "shm" || name == "mqueue" || name == ".lxc" || name == ".lxd-mounts") continue;
            add_host_devices(path, devices);
        } else if (path != "/dev/console" && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
            if (auto dev = host_device(path, path)) devices.push_back(*dev);
        }
    }
    ::closedir(d);
}

}  // namespace

// Every capability the daemon itself may hand out: the kernel's list cut to our bounding set
// (moby's GetAllCapabilities does the same). A daemon in a restricted environment (a container,
// a service with CapabilityBoundingSet=) would otherwise fail every --privileged start with
// EPERM from capset.
std::vector<std::string> all_capabilities() {
    std::vector<std::string> out;
    for (const auto& name : runtime::all_capability_names()) {
        auto cap = runtime::capability_from_name(name);
        if (cap && ::prctl(PR_CAPBSET_READ, *cap, 0, 0, 0) == 0) continue;
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> container_capabilities(const Json& hc) {
    if (json_bool(hc, "Privileged")) return all_capabilities();
    std::vector<std::string> add, drop;
    for (const auto& c : json_strings(hc, "CapAdd")) add.push_back(normalize_cap(c));
    for (const auto& c : json_strings(hc, "CapDrop")) drop.push_back(normalize_cap(c));
    for (const auto* list : {&add, &drop}) {
        for (const auto& c : *list) {
            if (c != "ALL" && !runtime::capability_from_name(c)) {
                throw Error(Errc::invalid_argument, "unknown capability: \"" + c + "\"");
            }
        }
    }
    std::vector<std::string> caps;
    if (contains(add, "ALL")) {
        caps = all_capabilities();
    } else if (!contains(drop, "ALL")) {
        caps = runtime::seccomp::docker_default_capabilities();
    }
    for (const auto& c : add) {
        if (c != "ALL" && !contains(caps, c)) caps.push_back(c);
    }
    // Drops win over the defaults; an explicit add wins over a drop of ALL (Docker's rule).
    for (const auto& c : drop) {
        if (c != "ALL" && !contains(add, c)) std::erase(caps, c);
    }
    return caps;
}

SecurityOptions parse_security_options(const Json& hc) {
    SecurityOptions s;
    for (const auto& opt : json_strings(hc, "SecurityOpt")) {
        std::string key = opt, value;
        auto sep = opt.find_first_of("=:");
        if (sep != std::string::npos) {
            key = opt.substr(0, sep);
            value = opt.substr(sep + 1);
        }
        if (key == "no-new-privileges") {
            if (value.empty() || value == "true") s.no_new_privileges = true;
            else if (value == "false") s.no_new_privileges = false;
            else throw Error(Errc::invalid_argument, "invalid --security-opt 2: \"" + opt + "\"");
        } else if (key == "seccomp") {
            if (value == "unconfined") {
                s.seccomp_unconfined = true;
            } else if (!value.empty() && value[0] == '{') {
                s.seccomp_profile = parse_json(value, "seccomp profile");
            } else if (!value.empty()) {
                s.seccomp_profile = parse_json(read_file(value), value);
            } else {
                throw Error(Errc::invalid_argument, "invalid --security-opt 2: \"" + opt + "\"");
            }
        } else if (key == "apparmor" || key == "label" || key == "systempaths") {
            // No AppArmor or SELinux here; accepted and ignored as Docker does without them.
        } else {
            throw Error(Errc::invalid_argument, "invalid --security-opt 1: \"" + opt + "\"");
        }
    }
    return s;
}

std::vector<std::string> default_masked_paths() {
    return {"/proc/asound",      "/proc/acpi",       "/proc/interrupts",  "/proc/kcore",
            "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
            "/proc/sched_debug", "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap"};
}

std::vector<std::string> default_readonly_paths() {
    return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
}

void apply_security(const OciInputs& in, const std::vector<std::string>& caps, Json& spec, Json& linux) {
    const Json& hc = in.host_config;
    bool privileged = json_bool(hc, "Privileged");
    auto sec = parse_security_options(hc);

    if (!privileged) {
        // The container's own lists when it has them (recorded at create, or empty from
        // `--security-opt systempaths=unconfined`, which the docker CLI sends as []), as moby.
        auto paths = [&](const char* key, std::vector<std::string> fallback) {
            if (hc.is_object() && hc.contains(key) && hc[key].is_array()) return json_strings(hc, key);
            return fallback;
        };
        linux["maskedPaths"] = paths("MaskedPaths", default_masked_paths());
        linux["readonlyPaths"] = paths("ReadonlyPaths", default_readonly_paths());
    }

    Json devices = Json::array();
    Json rules = Json::array();
    if (privileged) {
        add_host_devices("/dev", devices);
        rules.push_back(device_rule(true, "", -1, -1, "rwm"));
    } else {
        // Docker's default device cgroup: deny all, mknod of anything, the standard nodes.
        rules.push_back(device_rule(false, "", -1, -1, "rwm"));
        rules.push_back(device_rule(true, "c", -1, -1, "m"));
        rules.push_back(device_rule(true, "b", -1, -1, "m"));
        for (auto [maj, min] : {std::pair{1, 3}, {1, 8}, {1, 7}, {5, 0}, {1, 5}, {1, 9}, {5, 1}, {5, 2}, {10, 200}}) {
            rules.push_back(device_rule(true, "c", maj, min, "rwm"));
        }
        rules.push_back(device_rule(true, "c", 136, -1, "rwm"));
    }
    if (hc.is_object() && hc.contains("Devices") && hc["Devices"].is_array()) {
        for (const auto& d : hc["Devices"]) {
            std::string host = json_string(d, "PathOnHost");
            std::string inside = json_string(d, "PathInContainer", host);
            if (inside.empty()) inside = host;
            std::string perms = json_string(d, "CgroupPermissions", "rwm");
            if (perms.empty()) perms = "rwm";
            auto dev = host_device(host, inside);
            if (!dev) throw Error(Errc::invalid_argument, "error gathering device information while adding custom device \"" + host + "\": no such file or directory");
            devices.push_back(*dev);
            rules.push_back(device_rule(true, (*dev)["type"], (*dev)["major"], (*dev)["minor"], perms));
        }
    }
    if (!devices.empty()) linux["devices"] = devices;
    linux["resources"]["devices"] = rules;

    if (!privileged && !sec.seccomp_unconfined) {
        const Json& profile = sec.seccomp_profile ? *sec.seccomp_profile : in.seccomp_profile;
        if (!profile.is_null()) {
            Json oci = runtime::seccomp::docker_profile_to_oci(profile, caps, in.arch);
            if (!oci.is_null()) linux["seccomp"] = oci;
        }
    }
    (void)spec;
}

}  // namespace berth::engine
