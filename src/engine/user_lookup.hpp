#pragma once
// Config.User ("name", "uid", "name:group", "uid:gid") resolved against the container's own
// /etc/passwd and /etc/group, as Docker does (never the host's).
#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::engine {

struct ResolvedUser {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<uint32_t> additional_gids;
    std::string home = "/root";
};

// `group_add` is HostConfig.GroupAdd (names or numbers). Throws invalid_argument:
//   unable to find user NAME: no matching entries in passwd file
//   unable to find group NAME: no matching entries in group file
ResolvedUser resolve_user(const std::string& rootfs, const std::string& user,
                          const std::vector<std::string>& group_add = {});

}  // namespace berth::engine
