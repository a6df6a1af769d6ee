#pragma once
// Lookups in the container's /etc/passwd, read through the rootfs without leaving it.
#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

// The home directory of `uid` in <rootfs>/etc/passwd; "/" when there is no such entry (runc).
std::string home_for_uid(const std::string& rootfs, uid_t uid);

// Adds HOME=<home of uid> to env unless env already has HOME.
void add_default_home(std::vector<std::string>& env, const std::string& rootfs, uid_t uid);

}  // namespace berth::runtime
