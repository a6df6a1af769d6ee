#include "volume/mount_spec.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "common/error.hpp"

namespace berth::volume {

namespace {

[[noreturn]] void invalid(const std::string& message) {
    throw Error(Errc::invalid_argument, message);
}

std::vector<std::string> split(const std::string& s, char sep,
                               size_t max_parts = std::string::npos) {
    std::vector<std::string> out;
    size_t start = 0;
    while (out.size() + 1 < max_parts) {
        size_t at = s.find(sep, start);
        if (at == std::string::npos) break;
        out.push_back(s.substr(start, at - start));
        start = at + 1;
    }
    out.push_back(s.substr(start));
    return out;
}

bool is_propagation(const std::string& o) {
    static const std::set<std::string> kModes = {"private", "rprivate", "slave",
                                                 "rslave",  "shared",   "rshared"};
    return kModes.count(o) > 0;
}

// "rw", "ro", and Docker 25's recursion words for a read-only bind.
bool is_rw_mode(const std::string& o) {
    return o == "rw" || o == "ro" || o == "ro-non-recursive" || o == "ro-force-recursive" ||
           o == "rro";
}

bool is_read_only_mode(const std::string& o) {
    return is_rw_mode(o) && o != "rw";
}

// linuxValidMountMode: each word known, at most one of each kind.
bool valid_mode(const std::string& mode) {
    if (mode.empty()) return true;
    int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
    for (const auto& o : split(mode, ',')) {
        if (is_rw_mode(o))
            ++rw;
        else if (o == "z" || o == "Z")
            ++label;
        else if (is_propagation(o))
            ++propagation;
        else if (o == "nocopy")
            ++copy;
        else if (o == "consistent" || o == "cached" || o == "delegated")
            ++consistency;
        else
            return false;
    }
    return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}

bool has_word(const std::string& mode, const std::string& word) {
    auto words = split(mode, ',');
    return std::find(words.begin(), words.end(), word) != words.end();
}

std::string invalid_spec(const std::string& raw) {
    return "invalid volume specification: '" + raw + "'";
}

// The fields of moby's mount.Mount that validation looks at.
struct Spec {
    std::string type, source, target;
    bool read_only = false;
    bool has_bind_options = false, has_volume_options = false, has_tmpfs_options = false;
    std::string propagation;
    bool create_mountpoint = false;
    bool non_recursive = false;
    bool read_only_non_recursive = false;
    bool read_only_force_recursive = false;
    int64_t tmpfs_size = 0;
    int64_t tmpfs_mode = 0;
    std::vector<std::vector<std::string>> tmpfs_options;
};

std::string mount_config_error(const Spec& s, const std::string& why) {
    return "invalid mount config for type \"" + s.type + "\": " + why;
}

std::string absolute_error(const std::string& p) {
    return "invalid mount path: '" + p + "' mount path must be absolute";
}

// moby's ConvertTmpfsOptions: "ro", "mode=%o", "size=<n>[kmg]", then exec/noexec.
std::string tmpfs_data(const Spec& s) {
    std::vector<std::string> parts;
    if (s.read_only) parts.push_back("ro");
    if (s.tmpfs_mode != 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "mode=%llo", static_cast<unsigned long long>(s.tmpfs_mode));
        parts.push_back(buf);
    }
    if (s.tmpfs_size != 0) {
        int64_t size = s.tmpfs_size;
        std::string suffix;
        for (auto [sfx, div] :
             {std::pair{"g", int64_t{1} << 30}, {"m", int64_t{1} << 20}, {"k", int64_t{1} << 10}}) {
            if (size % div == 0) {
                size /= div;
                suffix = sfx;
                break;
            }
        }
        parts.push_back("size=" + std::to_string(size) + suffix);
    }
    for (const auto& opt : s.tmpfs_options) {
        if (opt.empty() || opt.size() > 2)
            throw std::invalid_argument("invalid option array length");
        if (opt[0] != "exec" && opt[0] != "noexec")
            throw std::invalid_argument("invalid option: " + opt[0]);
        parts.push_back(opt.size() == 1 ? opt[0] : opt[0] + "=" + opt[1]);
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
}

// validateMountConfigImpl of moby's linux parser; "" when valid.
std::string validate(const Spec& s, bool check_source) {
    if (s.target.empty()) return mount_config_error(s, "field Target must not be empty");
    if (clean_path(s.target) == "/")
        return mount_config_error(s, "invalid specification: destination can't be '/'");
    if (s.target[0] != '/') return mount_config_error(s, absolute_error(s.target));
    if (s.type == "bind") {
        if (s.source.empty()) return mount_config_error(s, "field Source must not be empty");
        if (!s.propagation.empty() && !is_propagation(s.propagation)) {
            return mount_config_error(s, "invalid propagation mode: " + s.propagation);
        }
        if (s.has_volume_options)
            return mount_config_error(s, "field VolumeOptions must not be specified");
        if (s.read_only_non_recursive && !s.read_only)
            return mount_config_error(s,
                                      "must not set ReadOnlyNonRecursive when ReadOnly is false");
        if (s.read_only_force_recursive && !s.read_only)
            return mount_config_error(s,
                                      "must not set ReadOnlyForceRecursive when ReadOnly is false");
        if (s.read_only_non_recursive && s.read_only_force_recursive)
            return mount_config_error(
                s, "must not set both ReadOnlyNonRecursive and ReadOnlyForceRecursive");
        if (s.source[0] != '/') return mount_config_error(s, absolute_error(s.source));
        if (check_source) {
            struct stat st {};
            if (::stat(s.source.c_str(), &st) < 0) {
                if (errno != ENOENT)
                    return mount_config_error(s, "stat " + s.source + ": " + std::strerror(errno));
                if (!s.create_mountpoint)
                    return mount_config_error(s, "bind source path does not exist: " + s.source);
            }
        }
    } else if (s.type == "volume") {
        if (s.has_bind_options)
            return mount_config_error(s, "field BindOptions must not be specified");
        if (s.read_only && s.source.empty()) {
            return mount_config_error(s, "must not set ReadOnly mode when using anonymous volumes");
        }
    } else if (s.type == "tmpfs") {
        if (s.has_bind_options)
            return mount_config_error(s, "field BindOptions must not be specified");
        if (!s.source.empty()) return mount_config_error(s, "field Source must not be specified");
        try {
            tmpfs_data(s);
        } catch (const std::invalid_argument& e) {
            return mount_config_error(s, e.what());
        }
    } else if (s.type == "image") {
        if (s.has_bind_options)
            return mount_config_error(s, "field BindOptions must not be specified");
        if (s.source.empty()) return mount_config_error(s, "field Source must not be empty");
    } else {
        return mount_config_error(s, "mount type unknown");
    }
    return "";
}

MountPoint mount_point(const Spec& s) {
    MountPoint mp;
    mp.type = s.type;
    mp.rw = !s.read_only;
    mp.destination = clean_path(s.target);
    if (s.type == "bind") {
        mp.source = clean_path(s.source);
        mp.propagation = s.propagation.empty() ? "rprivate" : s.propagation;
        mp.non_recursive = s.non_recursive;
        mp.read_only_non_recursive = s.read_only_non_recursive;
        mp.read_only_force_recursive = s.read_only_force_recursive;
    } else if (s.type == "volume") {
        mp.source = s.source;
    } else if (s.type == "tmpfs") {
        mp.tmpfs_data = tmpfs_data(s);
    }
    return mp;
}

std::string json_str(const Json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return "";
    if (!j[key].is_string())
        invalid(std::string("invalid JSON: Mount.") + key + " must be a string");
    return j[key].get<std::string>();
}

bool json_flag(const Json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return false;
    if (!j[key].is_boolean())
        invalid(std::string("invalid JSON: Mount.") + key + " must be a boolean");
    return j[key].get<bool>();
}

int64_t json_number(const Json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return 0;
    if (!j[key].is_number_integer())
        invalid(std::string("invalid JSON: Mount.TmpfsOptions.") + key + " must be an integer");
    return j[key].get<int64_t>();
}

bool present(const Json& j, const char* key) {
    return j.contains(key) && !j[key].is_null();
}

}  // namespace

std::string clean_path(const std::string& p) {
    if (p.empty()) return ".";
    bool rooted = p[0] == '/';
    std::vector<std::string> out;
    for (const auto& part : split(p, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!out.empty() && out.back() != "..")
                out.pop_back();
            else if (!rooted)
                out.push_back("..");
            continue;
        }
        out.push_back(part);
    }
    std::string r = rooted ? "/" : "";
    for (size_t i = 0; i < out.size(); ++i) r += (i ? "/" : "") + out[i];
    return r.empty() ? "." : r;
}

MountPoint parse_bind(const std::string& raw) {
    auto arr = split(raw, ':', 4);
    if (arr[0].empty()) invalid(invalid_spec(raw));
    Spec s;
    std::string mode;
    switch (arr.size()) {
        case 1:
            s.target = arr[0];
            break;
        case 2:
            if (valid_mode(arr[1]))
                invalid(invalid_spec(raw));  // "/foo:rw": a mode without a destination
            s.source = arr[0];
            s.target = arr[1];
            break;
        case 3:
            s.source = arr[0];
            s.target = arr[1];
            mode = arr[2];
            break;
        default:
            invalid(invalid_spec(raw));
    }
    if (!valid_mode(mode)) invalid("invalid mode: " + mode);
    s.type = !s.source.empty() && s.source[0] == '/' ? "bind" : "volume";
    s.has_volume_options = has_word(mode, "nocopy");  // moby turns nocopy into VolumeOptions.NoCopy
    for (const auto& o : split(mode, ',')) {
        if (is_read_only_mode(o)) s.read_only = true;
        if (is_propagation(o)) {
            s.has_bind_options = true;
            s.propagation = o;
        }
        if (o == "ro-non-recursive" || o == "ro-force-recursive" || o == "rro") {
            if (s.type != "bind")
                invalid("mount mode \"" + mode + "\" requires a bind mount: " + invalid_spec(raw));
            s.has_bind_options = true;
            s.read_only_non_recursive = o == "ro-non-recursive";
            s.read_only_force_recursive = o != "ro-non-recursive";
        }
    }
    if (auto why = validate(s, false); !why.empty()) invalid(invalid_spec(raw) + ": " + why);
    MountPoint mp = mount_point(s);
    mp.mode = mode;
    mp.create_source = mp.type == "bind";
    mp.origin = "HostConfig.Binds: " + raw;
    return mp;
}

MountPoint parse_mount(const Json& m, bool check_source) {
    if (!m.is_object()) invalid("invalid JSON: HostConfig.Mounts entries must be objects");
    Spec s;
    s.type = json_str(m, "Type");
    s.source = json_str(m, "Source");
    s.target = json_str(m, "Target");
    s.read_only = json_flag(m, "ReadOnly");
    s.has_bind_options = present(m, "BindOptions");
    s.has_volume_options = present(m, "VolumeOptions");
    s.has_tmpfs_options = present(m, "TmpfsOptions");
    if (s.has_bind_options) {
        const Json& b = m["BindOptions"];
        if (!b.is_object()) invalid("invalid JSON: Mount.BindOptions must be an object");
        s.propagation = json_str(b, "Propagation");
        s.create_mountpoint = json_flag(b, "CreateMountpoint");
        s.non_recursive = json_flag(b, "NonRecursive");
        s.read_only_non_recursive = json_flag(b, "ReadOnlyNonRecursive");
        s.read_only_force_recursive = json_flag(b, "ReadOnlyForceRecursive");
    }
    if (s.has_tmpfs_options) {
        const Json& t = m["TmpfsOptions"];
        if (!t.is_object()) invalid("invalid JSON: Mount.TmpfsOptions must be an object");
        s.tmpfs_size = json_number(t, "SizeBytes");
        s.tmpfs_mode = json_number(t, "Mode");
        if (present(t, "Options")) {
            if (!t["Options"].is_array())
                invalid("invalid JSON: Mount.TmpfsOptions.Options must be an array");
            for (const auto& o : t["Options"]) {
                std::vector<std::string> words;
                if (!o.is_array())
                    invalid(
                        "invalid JSON: Mount.TmpfsOptions.Options entries must be arrays of "
                        "strings");
                for (const auto& w : o) {
                    if (!w.is_string())
                        invalid(
                            "invalid JSON: Mount.TmpfsOptions.Options entries must be arrays of "
                            "strings");
                    words.push_back(w.get<std::string>());
                }
                s.tmpfs_options.push_back(words);
            }
        }
    }
    if (auto why = validate(s, check_source); !why.empty()) invalid(why);
    MountPoint mp = mount_point(s);
    mp.create_source = s.type == "bind" && s.create_mountpoint;
    mp.origin = "HostConfig.Mounts: type=" + s.type +
                (s.source.empty() ? "" : ",source=" + s.source) + ",target=" + s.target;
    return mp;
}

std::vector<MountPoint> container_mounts(const Json& host_config, bool check_sources,
                                         bool read_only_non_recursive_default) {
    std::vector<MountPoint> out;
    if (!host_config.is_object()) return out;
    std::set<std::string> seen;
    std::set<std::string> tmpfs;
    if (host_config.contains("Tmpfs") && host_config["Tmpfs"].is_object()) {
        for (const auto& [dest, opts] : host_config["Tmpfs"].items()) tmpfs.insert(dest);
    }
    auto refuse_volume = [](const MountPoint& mp) {
        if (mp.type == "volume") {
            invalid(std::string(mp.source.empty() ? "anonymous" : "named") +
                    " volumes are not supported by berthd yet (" + mp.origin + ")");
        }
        if (mp.type == "image")
            invalid("image mounts are not supported by berthd yet (" + mp.origin + ")");
    };
    if (host_config.contains("Binds") && host_config["Binds"].is_array()) {
        for (const auto& b : host_config["Binds"]) {
            if (!b.is_string()) invalid("invalid JSON: HostConfig.Binds entries must be strings");
            MountPoint mp = parse_bind(b.get<std::string>());
            if (seen.count(mp.destination) || tmpfs.count(mp.destination))
                invalid("Duplicate mount point: " + mp.destination);
            refuse_volume(mp);
            seen.insert(mp.destination);
            out.push_back(std::move(mp));
        }
    }
    size_t first_mount = out.size();
    if (host_config.contains("Mounts") && host_config["Mounts"].is_array()) {
        for (const auto& m : host_config["Mounts"]) {
            MountPoint mp = parse_mount(m, check_sources);
            if (seen.count(mp.destination))
                invalid("Duplicate mount point: " + json_str(m, "Target"));
            refuse_volume(mp);
            seen.insert(mp.destination);
            out.push_back(std::move(mp));
        }
    }
    if (read_only_non_recursive_default) {
        // moby's router for API < 1.44: Mounts' ReadOnlyNonRecursive is ignored and every
        // read-only bind, of Binds or Mounts, gets the old default.
        for (size_t i = 0; i < out.size(); ++i) {
            if (out[i].type != "bind" || out[i].rw) continue;
            if (out[i].read_only_force_recursive) {
                if (i >= first_mount)
                    invalid("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer");
                continue;  // a -v mode word ("rro") says what it wants in any version
            }
            out[i].read_only_non_recursive = true;
        }
    }
    return out;
}

void create_missing_sources(const std::vector<MountPoint>& mounts) {
    for (const auto& m : mounts) {
        if (m.type != "bind" || !m.create_source) continue;
        // mkdir -p with 0755, as moby's MkdirAllAndChownNew; a file in the way (ENOTDIR) is left
        // for the runtime to report, as Docker does.
        std::string path;
        for (const auto& part : split(m.source, '/')) {
            if (part.empty()) continue;
            path += "/" + part;
            if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) continue;
            if (errno == ENOTDIR) break;
            throw Error(errc_from_errno(errno), "error while creating mount source path '" +
                                                    m.source + "': mkdir " + path + ": " +
                                                    std::strerror(errno));
        }
    }
}

Json inspect_json(const MountPoint& m) {
    return {{"Type", m.type}, {"Source", m.source}, {"Destination", m.destination},
            {"Mode", m.mode}, {"RW", m.rw},         {"Propagation", m.propagation}};
}

}  // namespace berth::volume
