#pragma once
// The on-disk half of ApplyJournal, for applies that must not be left half done when the
// process dies (docker cp into a container): before each change the journal makes, one line
// saying what it is about to do is appended to a file outside the tree. A berthd killed in the
// middle leaves the file; at the next start replay_apply_log() (apply_recovery.hpp) reads it
// and undoes the apply, or, when the apply had already succeeded, finishes its clean-up.
//
// One record a line, fields separated by spaces, names escaped (escape_field):
//   B <base>                         the apply root, as a path under the outer root ("/etc")
//   A <aside>  /  A- <aside>         about to make the aside dir / that mkdir failed (EEXIST)
//   T <dir> <atime> <mtime>          times of a directory before its entries change
//   P <dir> <uid> <gid> <mode> <atime> <mtime> <n> (<xattr> <value>)*   metadata before a change
//   C <dir> <name>                   about to create <dir>/<name> (nothing was there)
//   M <aside> <dir> <name> <seq>     about to move <dir>/<name> to <aside>/<seq>
//   K                                the apply succeeded: only the aside dir is left to remove
//   D <index>                        record <index> (0 is B) has been undone, or was a
//                                    creation that failed (nothing to undo)
// Times are "<sec>.<nsec>". Paths are relative to the apply root, "." for the root itself.
// A write is one write(2) of whole lines to an O_APPEND file, so a killed process leaves whole
// records (a machine crash may tear the last one, which the reader ignores). Records are
// not fsynced: this protects against the process dying, not against power loss.
#include <sys/stat.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth::image {

class ApplyLog {
  public:
    // Creates the log at `path` (which must not exist) for an apply into `base`.
    ApplyLog(std::string path, const std::string& base);
    ApplyLog(const ApplyLog&) = delete;
    ApplyLog& operator=(const ApplyLog&) = delete;
    // Removes the file when no change was recorded (the apply never started).
    ~ApplyLog();

    void aside(const std::string& name, bool failed = false);
    void dir_times(const std::string& rel, const struct stat& st);
    void meta(const std::string& rel, const struct stat& st,
              const std::vector<std::pair<std::string, std::string>>& xattrs);
    // Returns the record's index, for undone().
    size_t creating(const std::string& dir_rel, const std::string& name);
    // Record `index` needs no undoing (a creation that failed): a D record.
    void undone(size_t index);
    void moving(const std::string& aside, const std::string& dir_rel, const std::string& name,
                uint64_t seq);
    void committing();
    // The apply is over (committed and cleaned, or rolled back): the file goes.
    void remove();

    const std::string& path() const { return path_; }

  private:
    void append(const std::string& line);
    std::string path_;
    UniqueFd fd_;
    size_t records_ = 0;  // written so far; the next one's index
    bool changed_ = false;
    bool removed_ = false;
};

// A log as read back. Unknown or torn lines end the reading.
struct ApplyLogRecord {
    std::string kind;
    std::vector<std::string> fields;  // unescaped
};
struct ApplyLogContents {
    std::string base;
    std::vector<ApplyLogRecord> records;  // index 0 is B
    std::set<size_t> undone;              // from D records
    bool committed = false;
};
ApplyLogContents read_apply_log(const std::string& path);

// Every byte outside 0x21..0x7e, and '%', becomes %XX; "" becomes "%".
std::string escape_field(std::string_view s);
std::string unescape_field(std::string_view s);

}  // namespace berth::image
