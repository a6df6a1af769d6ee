#pragma once
// Extended attributes of a path, as the apply journal saves and restores them.
#include <string>
#include <utility>
#include <vector>

namespace berth::image {

// Names of the xattrs of `path` (not followed when it is a symlink: callers pass
// /proc/self/fd/N of an O_PATH fd); empty where the filesystem has none.
std::vector<std::string> list_xattrs(const std::string& path);
std::string get_xattr(const std::string& path, const std::string& name);
// Makes the xattrs of `path` exactly `kept`: others removed, these set.
void restore_xattrs(const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& kept,
                    const std::string& shown);

}  // namespace berth::image
