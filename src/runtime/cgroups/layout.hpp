#pragma once
// Where each cgroup hierarchy of a host is mounted. detect() only says v1/v2/hybrid;
// open() needs the full picture: which v1 controllers live in which mount, and where
// the cgroup2 hierarchy is (the root on v2, root/unified on hybrid hosts).
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cgroups/cgroup.hpp"

namespace berth::runtime::cgroups {

// One v1 hierarchy: a mount of fstype "cgroup" carrying one or more controllers
// ("cpu", "cpuacct", ...) or a named hierarchy ("name=systemd").
struct Hierarchy {
    std::string mount;                     // /sys/fs/cgroup/memory
    std::vector<std::string> controllers;  // {"cpu", "cpuacct"} when co-mounted
    std::string mount_root = "/";          // mountinfo's root field: the cgroup seen at `mount`

    bool has(std::string_view controller) const;
};

struct Layout {
    Mode mode = Mode::v2;
    std::string root;
    std::vector<Hierarchy> v1;  // empty on v2
    std::string unified;  // cgroup2 mount dir: root on v2, root/unified on hybrid, "" on pure v1
    std::string unified_mount_root = "/";
    bool fake = false;  // a tree of plain files (tests): no mountinfo entry under root

    const Hierarchy* find(std::string_view controller) const;
};

// Reads /proc/self/mountinfo for cgroup mounts at or below `root`; when there are none,
// `root` is taken as a fake tree and judged from the files present.
Layout discover(const std::string& root);
// The same from given mountinfo text (tests).
Layout discover_from_mountinfo(const std::string& root, std::string_view mountinfo);

}  // namespace berth::runtime::cgroups
