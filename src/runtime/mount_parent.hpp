#pragma once
// Which mount holds a path, from /proc/self/mountinfo: the mount point of the deepest mount
// whose point is the path or one of its ancestors (runc's getParentMount). Read before
// clone(), where allocation is allowed; the child uses the answer.
#include <string>

namespace berth::runtime {

struct MountOf {
    std::string mount_point;  // empty: not found
    bool shared = false;      // "shared:N" among the optional fields
    bool slave = false;       // "master:N" among them
};

// `path` is absolute and resolved (realpath).
MountOf mount_of(const std::string& path);

}  // namespace berth::runtime
