#include "common/strings.hpp"
#include "runtime/cgroups/layout.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::runtime::cgroups {

namespace {

// Controllers a v1 "cgroup" mount can carry; every other super option (rw, xattr,
// release_agent=..., clone_children...) is a mount option, not a controller.
constexpr std::array<std::string_view, 15> kV1Controllers = {
    "cpu",   "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls", "net_prio",
    "blkio", "pids",    "perf_event", "hugetlb", "rdma",    "misc",    "debug"};

bool is_v1_controller(std::string_view name) {
    return std::find(kV1Controllers.begin(), kV1Controllers.end(), name) != kV1Controllers.end();
}

using berth::split;

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view text) {
    auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && is_oct(text[i + 1]) && is_oct(text[i + 2]) &&
            is_oct(text[i + 3])) {
            out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                     (text[i + 3] - '0'));
            i += 3;
            continue;
        }
        out += text[i];
    }
    return out;
}

bool is_dir_not_symlink(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A fake tree: root/cgroup.controllers is v2; subdirectories named after controllers
// ("memory", "cpu,cpuacct", "systemd") are v1 hierarchies; root/unified/cgroup.controllers
// next to them makes the host hybrid.
Layout discover_fake(const std::string& root) {
    Layout layout;
    layout.root = root;
    layout.fake = true;
    if (path_exists(root + "/cgroup.controllers")) {
        layout.mode = Mode::v2;
        layout.unified = root;
        return layout;
    }
    DIR* dir = ::opendir(root.c_str());
    if (!dir) throw_errno("cgroup: open " + root);
    std::vector<std::string> names;
    while (dirent* ent = ::readdir(dir)) {
        std::string name = ent->d_name;
        if (name == "." || name == ".." || name == "unified") continue;
        names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        // Symlinks like cpu -> cpu,cpuacct name a hierarchy already listed.
        if (!is_dir_not_symlink(root + "/" + name)) continue;
        Hierarchy h;
        h.mount = root + "/" + name;
        if (name == "systemd") {
            h.controllers = {"name=systemd"};
        } else {
            h.controllers = split(name, ',');
            if (!std::all_of(h.controllers.begin(), h.controllers.end(), is_v1_controller))
                continue;
        }
        layout.v1.push_back(std::move(h));
    }
    bool unified = path_exists(root + "/unified/cgroup.controllers");
    if (unified) layout.unified = root + "/unified";
    if (!layout.v1.empty()) {
        layout.mode = unified ? Mode::hybrid : Mode::v1;
    } else if (unified) {
        layout.mode = Mode::v2;
    } else {
        throw Error(Errc::not_found, "cgroup: no cgroup hierarchy found under " + root);
    }
    return layout;
}

}  // namespace

bool Hierarchy::has(std::string_view controller) const {
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

const Hierarchy* Layout::find(std::string_view controller) const {
    for (const auto& h : v1) {
        if (h.has(controller)) return &h;
    }
    return nullptr;
}

Layout discover_from_mountinfo(const std::string& root_in, std::string_view mountinfo) {
    std::string root = strip_trailing_slashes(root_in);
    Layout layout;
    layout.root = root;
    bool v2_at_root = false;
    for (const auto& line : split(mountinfo, '\n')) {
        // id parent major:minor root mount-point options [optional...] - fstype source
        // super-options
        auto fields = split(line, ' ');
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
        const std::string& fstype = dash[1];
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        std::string mount_root = unescape_octal(fields[3]);
        std::string mount_point = unescape_octal(fields[4]);
        if (fstype == "cgroup2") {
            if (mount_point == root) {
                v2_at_root = true;
                layout.unified = root;
                layout.unified_mount_root = mount_root;
            } else if (mount_point == root + "/unified" && !v2_at_root) {
                layout.unified = mount_point;
                layout.unified_mount_root = mount_root;
            }
            continue;
        }
        // v1: only hierarchies mounted directly under root.
        size_t slash = mount_point.rfind('/');
        if (slash == std::string::npos || mount_point.substr(0, slash) != root) continue;
        Hierarchy h;
        h.mount = mount_point;
        h.mount_root = mount_root;
        for (const auto& opt : split(dash[3], ',')) {
            if (is_v1_controller(opt) || opt.rfind("name=", 0) == 0) h.controllers.push_back(opt);
        }
        if (h.controllers.empty()) continue;
        // The same hierarchy mounted twice (bind mounts) counts once.
        bool dup = std::any_of(layout.v1.begin(), layout.v1.end(),
                               [&](const Hierarchy& o) { return o.controllers == h.controllers; });
        if (!dup) layout.v1.push_back(std::move(h));
    }
    if (v2_at_root) {
        layout.mode = Mode::v2;
        layout.v1.clear();
    } else if (!layout.v1.empty()) {
        layout.mode = layout.unified.empty() ? Mode::v1 : Mode::hybrid;
    } else if (!layout.unified.empty()) {
        layout.mode = Mode::v2;
    } else {
        return discover_fake(root);
    }
    return layout;
}

Layout discover(const std::string& root) {
    return discover_from_mountinfo(root, read_file("/proc/self/mountinfo"));
}

Host detect(const std::string& root) {
    Layout layout = discover(root);
    return Host{layout.mode, layout.root};
}

}  // namespace berth::runtime::cgroups
