#pragma once
// Mount points the runtime creates in a container's upper dir for the engine's own mounts
// (/proc, /sys, /dev, the /etc files) when the image lacks them. Docker keeps these in an
// "init" layer below the container's, so `docker diff` and `docker commit` never show them;
// berth has no such layer and leaves them out instead.
#include <string>
#include <vector>

namespace berth::engine {

// Relative to the rootfs, no leading '/': "proc", "etc/resolv.conf", ...
const std::vector<std::string>& mount_stub_paths();

// True when `path` ("/etc/resolv.conf") in `upper` is such a stub: one of the paths above,
// absent from every lower, and an empty file or an empty directory.
bool is_mount_stub(const std::string& upper, const std::string& path,
                   const std::vector<std::string>& lowers);

// True when the directory `path` ("/etc") is in `upper` only because such stubs were made in
// it: every entry is a stub, and the first lower that has it gives the same mode and owner.
bool holds_only_mount_stubs(const std::string& upper, const std::string& path,
                            const std::vector<std::string>& lowers);

}  // namespace berth::engine
