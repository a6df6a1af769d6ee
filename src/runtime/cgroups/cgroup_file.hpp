#pragma once
// Reading and writing cgroupfs control files. Every write error names the file and the
// value: `cgroup: write 100 to /sys/fs/cgroup/memory/x/memory.limit_in_bytes: Device or
// resource busy`, because "Invalid argument" alone tells nobody which of twenty writes failed.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth::runtime::cgroups {

// One write(2) of `value` to dir/file (no O_CREAT: a missing file means a missing controller).
void write_value(const std::string& dir, const std::string& file, std::string_view value);

// Several commands to one file through one open fd, one write(2) each: the kernel takes
// each write as one command (io.max, devices.allow), and on a fake tree the lines add up.
class LineWriter {
  public:
    LineWriter(const std::string& dir, const std::string& file);
    void write(std::string_view line);  // opens on first use; appends "\n"
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    UniqueFd fd_;
};

// Contents with surrounding whitespace trimmed; nullopt when the file does not exist.
std::optional<std::string> read_value(const std::string& dir, const std::string& file);
// A number; "max" reads as UINT64_MAX. nullopt when missing or not a number.
std::optional<uint64_t> read_u64(const std::string& dir, const std::string& file);
// "key value" lines (memory.stat, cpu.stat, cgroup.events); empty when missing.
std::map<std::string, uint64_t> read_keyed(const std::string& dir, const std::string& file);

std::string trim(std::string_view text);
std::vector<std::string> split_ws(std::string_view text);

// Every pid in dir/cgroup.procs and in the cgroup.procs of every sub-directory.
void collect_pids(const std::string& dir, std::vector<pid_t>& out);

// rmdir dir and its sub-directories, leaves first; never unlinks a file. EBUSY (tasks
// still exiting) is retried for about a second; a missing dir is fine.
void remove_cgroup_dir(const std::string& dir);

// mkdir of every missing level from `base` (which must exist) down to base + rel;
// returns every level's directory, new or not, top first.
std::vector<std::string> make_levels(const std::string& base, const std::string& rel);

// True when dir is on a cgroup2 filesystem (statfs magic); false for a fake tree.
bool is_cgroup2_fs(const std::string& dir);

}  // namespace berth::runtime::cgroups

namespace berth::runtime::cgroups {

// Control file names built from config.json must stay inside the cgroup directory.
// "2MB" for hugetlb.<size>.max; invalid_argument otherwise.
void check_page_size(const std::string& page_size);
// A linux.resources.unified key: a plain file name ("memory.high"), no '/'.
void check_unified_key(const std::string& key);

}  // namespace berth::runtime::cgroups
