#pragma once
// Small file helpers that throw berth::Error with the path in the message.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth {

std::string read_file(const std::string& path);
// nullopt when the file does not exist; throws on any other error.
std::optional<std::string> read_file_if_exists(const std::string& path);
enum class Durability { fsync, none };
// Writes through a temp file in the same directory and renames it into place, so readers see
// the old or the new content, never a mix. With Durability::fsync (the default) the data is
// also on disk before the rename; Durability::none is for state on tmpfs (/run), where an fsync
// buys nothing and costs a disk flush.
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644,
                       Durability durability = Durability::fsync);
// Plain write (open O_WRONLY|O_TRUNC): for procfs/cgroupfs/sysfs files, which take one write.
void write_file(const std::string& path, std::string_view data);
// mkdir -p; existing directories are fine.
void mkdir_all(const std::string& path, mode_t mode = 0755);
// rm -rf that never follows symlinks and never crosses a mount point.
void remove_all(const std::string& path);
// The same for `name` in the directory `parent`; `shown` names it in errors.
void remove_all_at(int parent, const std::string& name, const std::string& shown);
// A close-on-exec pipe; throws berth::Error.
void pipe_pair(UniqueFd& read_end, UniqueFd& write_end);
// The names in a directory (an open fd to it), without "." and "..", sorted; throws naming `what`.
std::vector<std::string> sorted_dir_entries(int dir_fd, const std::string& what);
bool path_exists(const std::string& path);

}  // namespace berth
