#pragma once
// Undo log for applying a layer in place onto a directory that already has content (flatten
// stacking), so that a refused or broken layer leaves the directory as it found it:
//   what the layer creates                    -> removed on rollback
//   what it replaces or whites out            -> moved aside into <root>/.berth-apply-XXXXXXXX
//                                                (same filesystem), put back on rollback,
//                                                deleted on commit
//   metadata of directories that existed      -> owner, mode, xattrs and times restored
//   directories whose entries changed         -> times restored
// Each record names the path as it resolved when the change was made; rollback replays the
// records newest first, so each one meets the tree exactly as it was then (a path through a
// symlink the layer planted resolves the same way). What the layer made is known by inode,
// never by path, so a path that leads through such a symlink to older content is never taken
// for the layer's own.
// With an ApplyLog (apply_log.hpp) every change is also written ahead to a file outside the
// tree, and rollback replays that file (apply_recovery.hpp) instead of the records in memory:
// an apply cut short by the death of the process is then rolled back at the next start.
// Without one, a crash in the middle leaves the moved-aside entries in the .berth-apply-*
// directory (layer applies extract into a temp dir anyway, see layer_apply.hpp).
#include <sys/stat.h>

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth::image {

class ApplyLog;

class ApplyJournal {
  public:
    explicit ApplyJournal(int root_fd, ApplyLog* log = nullptr) : root_(root_fd), file_(log) {}
    ApplyJournal(const ApplyJournal&) = delete;
    ApplyJournal& operator=(const ApplyJournal&) = delete;

    // Before the directory `dir_fd` (reached as `dir_rel` from the root) gains or loses an entry.
    void touch_dir(int dir_fd, const std::string& dir_rel);
    // Before the layer creates `name` in `dir_fd`, where nothing is (any more).
    void creating(int dir_fd, const std::string& dir_rel, const std::string& name);
    // The creation announced last failed, as something is there after all (a dangling symlink
    // in the way of a mkdir, a concurrent creator): a rollback must leave that alone.
    void not_created();
    // True when `name` in `dir_fd` is something this apply made.
    bool was_created(int dir_fd, const std::string& name) const;
    // After the layer made `name` in `dir_fd`. `new_inode` is false for a hard link.
    void created(int dir_fd, const std::string& dir_rel, const std::string& name,
                 bool new_inode = true);
    // Gets `name` in `dir_fd` out of the way: deleted when the layer made it, else moved aside.
    // A missing name is fine.
    void displace(int dir_fd, const std::string& dir_rel, const std::string& name);
    // Before the owner, mode, xattrs or times of the directory `dir_fd` (at `rel`) change.
    void keep_meta(int dir_fd, const std::string& rel);
    // The directory at the root holding moved-aside entries; "" until one was needed. The layer
    // must not touch it.
    const std::string& aside_name() const { return aside_name_; }

    // Success: deletes what was moved aside.
    void commit();
    // Failure: undoes every change, newest first. Returns "" or what could not be undone.
    std::string rollback() noexcept;

  private:
    enum class Kind { created, moved, dir_times, meta, aside };
    struct Record {
        Record(Kind k, std::string d, std::string n = {}, dev_t dv = 0, ino_t in = 0)
            : kind(k), dir_rel(std::move(d)), name(std::move(n)), dev(dv), ino(in) {}
        Kind kind;
        std::string dir_rel;  // created/moved: the parent; dir_times/meta: the directory itself
        std::string name;     // created/moved: the entry
        dev_t dev = 0;        // created: the entry; dir_times/meta: the directory
        ino_t ino = 0;
        uint64_t aside = 0;  // moved: its name in the aside directory
        struct stat st {};   // dir_times/meta
        std::vector<std::pair<std::string, std::string>> xattrs;  // meta
    };
    using Inode = std::pair<dev_t, ino_t>;

    bool is_new(const struct stat& st) const { return made_.count({st.st_dev, st.st_ino}) > 0; }
    void make_aside();
    void undo(const Record& r);
    UniqueFd open_dir(const std::string& rel, bool path_only);

    int root_;
    ApplyLog* file_;  // the write-ahead copy of log_, when the apply must survive a crash
    std::vector<Record> log_;
    std::set<Inode> made_;        // inodes this layer created
    std::set<Inode> times_kept_;  // directories whose times are recorded
    std::set<Inode> meta_kept_;   // directories whose metadata is recorded
    std::string aside_name_;
    UniqueFd aside_;
    uint64_t next_aside_ = 0;
    size_t last_creating_ = 0;  // the log record of the creation announced last
    bool root_changed_ = false;  // the layer itself changed the root's entries
    struct stat root_before_aside_ {};
    bool have_root_before_aside_ = false;
};

}  // namespace berth::image
