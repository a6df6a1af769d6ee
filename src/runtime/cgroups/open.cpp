// linux.cgroupsPath -> a Cgroup for the host's kind of hierarchy.
#include <algorithm>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/cgroup_path.hpp"
#include "runtime/cgroups/v1.hpp"
#include "runtime/cgroups/v2.hpp"

namespace berth::runtime::cgroups {

namespace {

using berth::split;

std::string join_paths(const std::string& a, const std::string& b) {
    if (a.empty() || a == "/") return b.front() == '/' ? b : "/" + b;
    return a + (b.front() == '/' ? "" : "/") + b;
}

}  // namespace

CgroupPath parse_cgroups_path(const std::string& cgroups_path, const std::string& id) {
    if (cgroups_path.empty()) {
        if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..") {
            throw Error(Errc::invalid_argument,
                        "cgroup: container id \"" + id + "\" cannot name a cgroup");
        }
        return {"/berth/" + id, false};
    }
    bool relative = cgroups_path.front() != '/';
    if (relative && std::count(cgroups_path.begin(), cgroups_path.end(), ':') == 2) {
        throw Error(
            Errc::invalid_argument,
            "cgroup: cgroupsPath \"" + cgroups_path +
                "\" is in the systemd \"slice:prefix:name\" form, which needs the systemd cgroup "
                "driver (--systemd-cgroup); berth manages cgroupfs paths only");
    }
    std::string normalized;
    for (const auto& part : split(cgroups_path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            throw Error(Errc::invalid_argument,
                        "cgroup: cgroupsPath \"" + cgroups_path + "\" must not contain \"..\"");
        }
        normalized += "/" + part;
    }
    if (normalized.empty()) {
        throw Error(Errc::invalid_argument,
                    "cgroup: cgroupsPath \"" + cgroups_path +
                        "\" names the root cgroup, which a container cannot own");
    }
    return {relative ? normalized.substr(1) : normalized, relative};
}

std::string own_cgroup(std::string_view proc_self_cgroup,
                       const std::vector<std::string>& controllers) {
    for (const auto& line : split(proc_self_cgroup, '\n')) {
        // hierarchy-id:controller-list:path; the path may itself contain ':'.
        size_t first = line.find(':');
        if (first == std::string::npos) continue;
        size_t second = line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string list = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (controllers.empty()) {
            if (list.empty() && line.compare(0, first, "0") == 0) return path;
            continue;
        }
        auto names = split(list, ',');
        bool all = std::all_of(controllers.begin(), controllers.end(), [&](const std::string& c) {
            return std::find(names.begin(), names.end(), c) != names.end();
        });
        if (all && !list.empty()) return path;
    }
    return "/";
}

std::string path_in_hierarchy(const CgroupPath& path, const std::string& own,
                              const std::string& mount_root) {
    if (!path.relative) return path.path;
    std::string base = own;
    // The mount shows the cgroup `mount_root`; our own cgroup is given from the namespace
    // root, which is mount_root when the hierarchy was mounted inside a cgroup namespace.
    if (mount_root != "/" && (base == mount_root || base.rfind(mount_root + "/", 0) == 0)) {
        base.erase(0, mount_root.size());  // may leave "", which join_paths reads as "/"
    }
    return join_paths(base, path.path);
}

std::unique_ptr<Cgroup> open_layout(const Layout& layout, const std::string& cgroups_path,
                                    const std::string& id, std::string_view proc_self_cgroup) {
    CgroupPath path = parse_cgroups_path(cgroups_path, id);
    if (layout.mode == Mode::v2) {
        std::string rel =
            path_in_hierarchy(path, own_cgroup(proc_self_cgroup, {}), layout.unified_mount_root);
        return std::make_unique<V2Cgroup>(layout.unified, rel);
    }
    std::vector<V1Dir> dirs;
    for (const auto& h : layout.v1) {
        std::string rel =
            path_in_hierarchy(path, own_cgroup(proc_self_cgroup, h.controllers), h.mount_root);
        dirs.push_back(V1Dir{h, rel, h.mount + rel});
    }
    std::optional<V1Dir> unified;
    if (layout.mode == Mode::hybrid && !layout.unified.empty()) {
        Hierarchy h;
        h.mount = layout.unified;
        h.mount_root = layout.unified_mount_root;
        std::string rel = path_in_hierarchy(path, own_cgroup(proc_self_cgroup, {}), h.mount_root);
        unified = V1Dir{h, rel, h.mount + rel};
    }
    // path() reports the memory hierarchy's view (they differ only for relative paths).
    std::string shown = path.relative ? std::string() : path.path;
    if (shown.empty()) {
        auto it = std::find_if(dirs.begin(), dirs.end(),
                               [](const V1Dir& d) { return d.hierarchy.has("memory"); });
        shown = it != dirs.end() ? it->rel : (dirs.empty() ? path.path : dirs.front().rel);
    }
    return std::make_unique<V1Cgroup>(std::move(dirs), std::move(unified), shown);
}

std::unique_ptr<Cgroup> open(const Host& host, const std::string& cgroups_path,
                             const std::string& id) {
    Layout layout = discover(host.root);
    auto self = read_file("/proc/self/cgroup");
    return open_layout(layout, cgroups_path, id, self);
}

std::unique_ptr<Cgroup> open(const std::string& cgroups_path, const std::string& id,
                             const std::string& creator_cgroups) {
    if (creator_cgroups.empty()) return open(Host{}, cgroups_path, id);
    return open_layout(discover(Host{}.root), cgroups_path, id, creator_cgroups);
}

}  // namespace berth::runtime::cgroups
