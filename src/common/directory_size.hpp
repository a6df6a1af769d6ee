#pragma once
// Bytes in a directory tree the way Docker counts a layer (moby pkg/directory.Size): the sizes
// of everything that is not a directory, each hard-linked inode once, symlinks not followed.
// Files that vanish during the walk (a running container's) are skipped; a missing root is 0.
#include <cstdint>
#include <string>

namespace berth {

int64_t directory_size(const std::string& path);

}  // namespace berth
