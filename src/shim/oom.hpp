#pragma once
// Whether the kernel's OOM killer killed a process of a container's cgroup: memory.events
// "oom_kill" (v2) or memory.oom_control "oom_kill" (v1). Read before the cgroup is removed.
#include <string>

namespace berth::shim {

// `cgroup_path` is relative to the hierarchy roots ("/berth/<id>"); `root` for tests.
bool cgroup_oom_killed(const std::string& cgroup_path, const std::string& root = "/sys/fs/cgroup");

}  // namespace berth::shim
