#pragma once
// linux.cgroupsPath -> the directory of the cgroup in each hierarchy.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cgroups/layout.hpp"

namespace berth::runtime::cgroups {

struct CgroupPath {
    std::string path;  // normalized: no empty, "." or ".." components; absolute starts with '/'
    bool relative = false;
};

// "" -> "/berth/<id>". Rejects ".." components and the systemd "slice:prefix:name" form
// (invalid_argument), and the root cgroup itself.
CgroupPath parse_cgroups_path(const std::string& cgroups_path, const std::string& id);

// The calling process's cgroup in one hierarchy, from /proc/self/cgroup text
// ("4:memory:/a/b", "0::/x"). `controllers` empty selects the cgroup2 line. "/" if absent.
std::string own_cgroup(std::string_view proc_self_cgroup,
                       const std::vector<std::string>& controllers);

// The cgroup's path inside a hierarchy mounted at a mount whose mountinfo root is
// `mount_root`: absolute paths as given, relative ones below `own` (which is seen from the
// cgroup namespace root, so mount_root is cut from its front).
std::string path_in_hierarchy(const CgroupPath& path, const std::string& own,
                              const std::string& mount_root);

// open() with the layout and /proc/self/cgroup given (tests use fake trees and texts).
std::unique_ptr<Cgroup> open_layout(const Layout& layout, const std::string& cgroups_path,
                                    const std::string& id, std::string_view proc_self_cgroup);

}  // namespace berth::runtime::cgroups
