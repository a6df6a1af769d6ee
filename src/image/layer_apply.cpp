#include "image/layer_apply.hpp"
#include "image/libarchive_api.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/apply_journal.hpp"
#include "image/tar_path.hpp"
#include "image/tar_stream.hpp"

namespace berth::image {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr const char* kOverlayOpaque = "trusted.overlay.opaque";

// A path through /proc/self/fd names exactly the directory we hold, then one component
// that is not followed: the only way to set xattrs on a symlink or device node by name
// without resolving the whole path again.
std::string fd_path(int dir_fd, const std::string& name) {
    return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

std::string entry_msg(const std::string& entry, const std::string& problem) {
    return "layer entry \"" + entry + "\": " + problem;
}

class Applier {
  public:
    // With a journal every change is recorded first, so the caller can roll the layer back.
    Applier(int root, const ApplyOptions& options, ApplyJournal* journal)
        : root_(root), options_(options), journal_(journal) {
        if (journal_) {
            mkdir_hook_ = [this](int parent, const std::string& parent_rel, const std::string& name,
                                 MkdirStep step) {
                switch (step) {
                    case MkdirStep::before: journal_->creating(parent, parent_rel, name); break;
                    case MkdirStep::made: journal_->created(parent, parent_rel, name); break;
                    case MkdirStep::failed: journal_->not_created(); break;
                }
            };
        }
    }

    void entry(TarReader& tar, archive_entry* e);
    // Makes the entry `rel` (the path from the root) in `parent`, where nothing is now, or
    // updates the directory there (keep_dir).
    void make(TarReader& tar, archive_entry* e, const std::string& name, const std::string& rel,
              const std::string& base, int parent, const std::string& parent_rel, bool keep_dir);
    void finish();
    uint64_t unpacked() const { return unpacked_; }

  private:
    struct DirTime {
        std::string rel;
        timespec times[2];
    };

    int parent_fd(const std::vector<std::string>& comps, const std::string& entry);
    UniqueFd ensure_dir(const std::vector<std::string>& comps, size_t count,
                        const std::string& entry) {
        return ensure_dir_beneath(root_, comps, count, entry, journal_ ? &mkdir_hook_ : nullptr);
    }
    // Gets `name` in `dir` out of the way (moved aside, when journaled, for a rollback).
    void displace(int dir, const std::string& dir_rel, const std::string& name) {
        if (journal_) {
            journal_->displace(dir, dir_rel, name);
        } else {
            remove_tree_at(dir, name);
        }
    }
    void touch(int dir, const std::string& dir_rel) {
        if (journal_) journal_->touch_dir(dir, dir_rel);
    }
    // Before `name` is made in `dir` (where nothing is now).
    void creating(int dir, const std::string& dir_rel, const std::string& name) {
        if (journal_) journal_->creating(dir, dir_rel, name);
    }
    void made(int dir, const std::string& dir_rel, const std::string& name, bool new_inode = true) {
        if (journal_) journal_->created(dir, dir_rel, name, new_inode);
    }
    void keep_meta(int dir, const std::string& rel) {
        if (journal_) journal_->keep_meta(dir, rel);
    }
    void invalidate() { cached_parent_.reset(), cached_path_.clear(); }
    // An entry or link name as components, by the layer's or docker cp's rules.
    std::vector<std::string> split(const std::string& name) const;
    // docker cp: the path of `rel` as the container sees it, quoted as moby does.
    std::string shown(const std::string& rel) const;
    // docker cp with noOverwriteDirNonDir: refuses to replace a directory with a
    // non-directory, or the reverse.
    void check_overwrite(const std::string& rel, const struct stat& existing, bool dir_entry);
    void whiteout(const std::string& entry, const std::vector<std::string>& comps,
                  archive_entry* e);
    void clear_lower(const std::string& rel);
    void hard_link(const std::string& entry, const char* target, int parent,
                   const std::string& base);
    void set_owner(const std::string& entry, int fd, const std::string& name, archive_entry* e);
    void set_xattrs(const std::string& entry, int fd, const std::string& proc_path,
                    archive_entry* e);
    void apply_dir_meta(const std::string& entry, int dir_fd, const std::string& rel,
                        archive_entry* e);
    static void entry_times(archive_entry* e, timespec out[2]);

    int root_;
    const ApplyOptions& options_;
    ApplyJournal* journal_;
    MkdirHook mkdir_hook_;
    std::unordered_set<std::string> created_;
    std::vector<DirTime> dir_times_;
    UniqueFd cached_parent_;
    std::string cached_path_;
    uint64_t unpacked_ = 0;
};

void Applier::entry_times(archive_entry* e, timespec out[2]) {
    out[1].tv_sec = libarchive().archive_entry_mtime(e);
    out[1].tv_nsec = libarchive().archive_entry_mtime_nsec(e);
    if (libarchive().archive_entry_atime_is_set(e)) {
        out[0].tv_sec = libarchive().archive_entry_atime(e);
        out[0].tv_nsec = libarchive().archive_entry_atime_nsec(e);
    } else {
        out[0] = out[1];
    }
}

int Applier::parent_fd(const std::vector<std::string>& comps, const std::string& entry) {
    std::string path = join_path(comps, comps.size() - 1);
    if (cached_parent_ && path == cached_path_) return cached_parent_.get();
    cached_parent_ = ensure_dir(comps, comps.size() - 1, entry);
    cached_path_ = path;
    return cached_parent_.get();
}

void Applier::set_owner(const std::string& entry, int fd, const std::string& name,
                        archive_entry* e) {
    if (!options_.preserve_owners) return;
    auto uid = static_cast<uid_t>(libarchive().archive_entry_uid(e));
    auto gid = static_cast<gid_t>(libarchive().archive_entry_gid(e));
    int r = name.empty() ? ::fchown(fd, uid, gid)
                         : ::fchownat(fd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
    if (r < 0) throw_errno(entry_msg(entry, "chown"));
}

void Applier::set_xattrs(const std::string& entry, int fd, const std::string& proc_path,
                         archive_entry* e) {
    if (libarchive().archive_entry_xattr_reset(e) == 0) return;
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (libarchive().archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        std::string_view key(name);
        // trusted.overlay.* would let a layer forge overlayfs whiteouts, redirects or
        // metacopy in a lower dir; SELinux labels belong to the host policy.
        if (key.starts_with("trusted.overlay.") || key == "security.selinux") continue;
        int r = proc_path.empty() ? ::fsetxattr(fd, name, value, size, 0)
                                  : ::lsetxattr(proc_path.c_str(), name, value, size, 0);
        if (r < 0) {
            // Symlinks cannot carry user.* xattrs on Linux; nothing a layer can do about that.
            if (errno == EPERM && !proc_path.empty() && key.starts_with("user.")) continue;
            throw_errno(entry_msg(entry, "set xattr " + std::string(key)));
        }
    }
}

void Applier::apply_dir_meta(const std::string& entry, int dir_fd, const std::string& rel,
                             archive_entry* e) {
    keep_meta(dir_fd, rel);  // a directory that was there before the layer
    set_owner(entry, dir_fd, "", e);
    if (::fchmod(dir_fd, libarchive().archive_entry_perm(e) & 07777) < 0) throw_errno(entry_msg(entry, "chmod"));
    set_xattrs(entry, dir_fd, "", e);
    DirTime t{rel, {}};
    entry_times(e, t.times);
    dir_times_.push_back(std::move(t));
}

void Applier::clear_lower(const std::string& rel) {
    UniqueFd dir = open_beneath(root_, rel, O_RDONLY | O_DIRECTORY, false);
    if (!dir) throw_errno("open " + rel);
    std::vector<std::pair<std::string, bool>> children;
    {
        UniqueFd dup_fd(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0));
        DIR* d = ::fdopendir(dup_fd.release());
        if (!d) throw_errno("opendir " + rel);
        while (dirent* ent = ::readdir(d)) {
            if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
            children.emplace_back(ent->d_name, ent->d_type == DT_DIR);
        }
        ::closedir(d);
    }
    for (auto& [name, is_dir] : children) {
        if (rel == "." && journal_ && name == journal_->aside_name()) continue;
        std::string child = rel == "." ? name : rel + "/" + name;
        if (created_.count(child)) {
            // Put there by this very layer: it stays, but what lower layers left inside a
            // directory that already existed is hidden too.
            if (is_dir) clear_lower(child);
            continue;
        }
        displace(dir.get(), rel, name);
    }
}

void Applier::whiteout(const std::string& entry, const std::vector<std::string>& comps,
                       archive_entry* e) {
    const std::string& base = comps.back();
    size_t n = comps.size();
    std::string dir_rel = join_path(comps, n - 1);
    invalidate();
    if (base == kOpaqueMarker) {
        UniqueFd dir = ensure_dir(comps, n - 1, entry);
        if (options_.mode == WhiteoutMode::flatten) {
            clear_lower(dir_rel);
            return;
        }
        UniqueFd rd = open_beneath(root_, dir_rel, O_RDONLY | O_DIRECTORY, false);
        if (!rd) throw_errno(entry_msg(entry, "open " + dir_rel));
        keep_meta(rd.get(), dir_rel);
        if (::fsetxattr(rd.get(), kOverlayOpaque, "y", 1, 0) < 0) {
            throw_errno(entry_msg(entry, "set opaque xattr"));
        }
        return;
    }
    std::string victim = base.substr(kWhiteoutPrefix.size());
    if (victim == "..") throw_escape(entry);
    if (victim.empty() || victim == ".")
        throw Error(Errc::invalid_argument, entry_msg(entry, "invalid whiteout"));
    std::string victim_rel = dir_rel == "." ? victim : dir_rel + "/" + victim;
    // OCI: a whiteout only hides lower content; this layer's own entries stay.
    if (created_.count(victim_rel)) return;
    if (options_.mode == WhiteoutMode::flatten) {
        UniqueFd dir = open_beneath(root_, dir_rel, O_PATH | O_DIRECTORY, true);
        if (!dir) {
            if (errno == EXDEV || errno == ELOOP) throw_escape(entry);
            if (errno == ENOENT || errno == ENOTDIR) return;  // nothing there to delete
            throw_errno(entry_msg(entry, "open " + dir_rel));
        }
        displace(dir.get(), dir_rel, victim);
        return;
    }
    UniqueFd dir = ensure_dir(comps, n - 1, entry);
    displace(dir.get(), dir_rel, victim);
    creating(dir.get(), dir_rel, victim);
    if (::mknodat(dir.get(), victim.c_str(), S_IFCHR | 0000, makedev(0, 0)) < 0) {
        throw_errno(entry_msg(entry, "create whiteout device"));
    }
    made(dir.get(), dir_rel, victim);
    // Keep the whiteout's time, so diffing this layer dir gives back the same tar.
    timespec times[2];
    entry_times(e, times);
    if (::utimensat(dir.get(), victim.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) {
        throw_errno(entry_msg(entry, "set times"));
    }
}

void Applier::hard_link(const std::string& entry, const char* target, int parent,
                        const std::string& base) {
    std::vector<std::string> lc;
    try {
        lc = split(target);
    } catch (const Error&) {
        throw Error(Errc::invalid_argument,
                    entry_msg(entry, "hard link to \"" + std::string(target) +
                                         "\" escapes the layer root"));
    }
    if (lc.empty())
        throw Error(Errc::invalid_argument, entry_msg(entry, "hard link to the layer root"));
    UniqueFd tdir = open_beneath(root_, join_path(lc, lc.size() - 1), O_PATH | O_DIRECTORY, true);
    if (!tdir) {
        if (errno == EXDEV || errno == ELOOP) {
            throw Error(Errc::invalid_argument,
                        entry_msg(entry, "hard link to \"" + std::string(target) +
                                             "\" escapes the layer root"));
        }
        throw_errno(entry_msg(entry, "hard link target \"" + std::string(target) + "\""));
    }
    struct stat st {};
    if (::fstatat(tdir.get(), lc.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        throw_errno(entry_msg(entry, "hard link target \"" + std::string(target) + "\""));
    }
    if (S_ISDIR(st.st_mode)) {
        throw Error(Errc::invalid_argument, entry_msg(entry, "hard link to a directory"));
    }
    if (::linkat(tdir.get(), lc.back().c_str(), parent, base.c_str(), 0) < 0) {
        throw_errno(entry_msg(entry, "link"));
    }
}

std::vector<std::string> Applier::split(const std::string& name) const {
    if (options_.copy) return split_untar_path(name, options_.copy->dest);
    return split_entry_path(name);
}

std::string Applier::shown(const std::string& rel) const {
    const std::string& dest = options_.copy->dest;
    return go_quote(dest == "/" ? "/" + rel : dest + "/" + rel);
}

void Applier::check_overwrite(const std::string& rel, const struct stat& existing, bool dir_entry) {
    if (!options_.copy || !options_.copy->no_overwrite_dir_non_dir) return;
    // moby answers these with 500 (a plain error out of archive.Untar), and so does berth.
    if (S_ISDIR(existing.st_mode) && !dir_entry) {
        throw Error(Errc::internal, "cannot overwrite directory " + shown(rel) +
                                        " with non-directory " + go_quote(options_.copy->dest));
    }
    if (!S_ISDIR(existing.st_mode) && dir_entry) {
        throw Error(Errc::internal, "cannot overwrite non-directory " + shown(rel) +
                                        " with directory " + go_quote(options_.copy->dest));
    }
}

void Applier::entry(TarReader& tar, archive_entry* e) {
    const char* raw = libarchive().archive_entry_pathname(e);
    std::string name = raw ? raw : "";
    std::vector<std::string> comps = split(name);
    mode_t type = libarchive().archive_entry_filetype(e);
    const char* link_target = libarchive().archive_entry_hardlink(e);

    if (comps.empty()) {  // "./": the root directory's own metadata
        if (type == AE_IFDIR) apply_dir_meta(name, root_, ".", e);
        return;
    }
    if (journal_ && comps[0] == journal_->aside_name()) {
        throw Error(Errc::invalid_argument,
                    entry_msg(name, "name reserved while the layer is applied"));
    }
    const std::string& base = comps.back();
    if (!options_.copy && std::string_view(base).starts_with(kWhiteoutPrefix)) {
        whiteout(name, comps, e);
        return;
    }
    std::string rel = join_path(comps, comps.size());
    std::string parent_rel = join_path(comps, comps.size() - 1);
    int parent = parent_fd(comps, name);

    struct stat existing {};
    bool exists = ::fstatat(parent, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    bool dir_entry = type == AE_IFDIR && !link_target;
    if (exists) check_overwrite(rel, existing, dir_entry);
    bool keep_dir = exists && dir_entry && S_ISDIR(existing.st_mode);
    if (exists && !keep_dir) {
        // Something already there is replaced, never written through.
        displace(parent, parent_rel, base);
        invalidate();
        parent = parent_fd(comps, name);
    }
    if (!keep_dir) creating(parent, parent_rel, base);
    try {
        make(tar, e, name, rel, base, parent, parent_rel, keep_dir);
    } catch (...) {
        // Whatever failed, the journal must not take something there for this entry's.
        struct stat now {};
        if (!keep_dir && journal_ && !journal_->was_created(parent, base) &&
            ::fstatat(parent, base.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0) {
            journal_->not_created();
        }
        throw;
    }
    created_.insert(std::move(rel));
}

void Applier::make(TarReader& tar, archive_entry* e, const std::string& name,
                   const std::string& rel, const std::string& base, int parent,
                   const std::string& parent_rel, bool keep_dir) {
    mode_t type = libarchive().archive_entry_filetype(e);
    const char* link_target = libarchive().archive_entry_hardlink(e);
    timespec times[2];
    entry_times(e, times);
    mode_t perm = libarchive().archive_entry_perm(e) & 07777;

    if (link_target) {
        hard_link(name, link_target, parent, base);
        made(parent, parent_rel, base, false);
    } else if (type == AE_IFREG) {
        UniqueFd fd(::openat(parent, base.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) throw_errno(entry_msg(name, "create"));
        made(parent, parent_rel, base);
        uint64_t end = tar.copy_data_to(fd.get(), name);
        auto size = static_cast<uint64_t>(libarchive().archive_entry_size(e));
        if (size > end && ::ftruncate(fd.get(), static_cast<off_t>(size)) < 0) {
            throw_errno(entry_msg(name, "truncate"));
        }
        unpacked_ += size;
        set_owner(name, fd.get(), "", e);
        if (::fchmod(fd.get(), perm) < 0) throw_errno(entry_msg(name, "chmod"));
        set_xattrs(name, fd.get(), "", e);  // after chown, which drops security.capability
        if (::futimens(fd.get(), times) < 0) throw_errno(entry_msg(name, "set times"));
    } else if (type == AE_IFDIR) {
        if (!keep_dir) {
            if (::mkdirat(parent, base.c_str(), 0700) < 0) throw_errno(entry_msg(name, "mkdir"));
            made(parent, parent_rel, base);
        }
        UniqueFd dir(
            ::openat(parent, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) throw_errno(entry_msg(name, "open"));
        apply_dir_meta(name, dir.get(), rel, e);
    } else if (type == AE_IFLNK) {
        const char* target = libarchive().archive_entry_symlink(e);
        if (!target)
            throw Error(Errc::invalid_argument, entry_msg(name, "symlink without a target"));
        // The symlink itself may point anywhere: it is data. Only following it is checked.
        if (::symlinkat(target, parent, base.c_str()) < 0) throw_errno(entry_msg(name, "symlink"));
        made(parent, parent_rel, base);
        set_owner(name, parent, base, e);
        set_xattrs(name, -1, fd_path(parent, base), e);
        if (::utimensat(parent, base.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) {
            throw_errno(entry_msg(name, "set times"));
        }
        invalidate();  // a cached parent path may now lead through this symlink
    } else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO) {
        dev_t dev = type == AE_IFIFO ? 0 : libarchive().archive_entry_rdev(e);
        if (::mknodat(parent, base.c_str(), type | 0600, dev) < 0)
            throw_errno(entry_msg(name, "mknod"));
        made(parent, parent_rel, base);
        set_owner(name, parent, base, e);
        if (::fchmodat(parent, base.c_str(), perm, 0) < 0) throw_errno(entry_msg(name, "chmod"));
        set_xattrs(name, -1, fd_path(parent, base), e);
        if (::utimensat(parent, base.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) {
            throw_errno(entry_msg(name, "set times"));
        }
    } else if (type == AE_IFSOCK) {
        return;  // sockets are not content; tar implementations skip them too
    } else {
        throw Error(Errc::invalid_argument, entry_msg(name, "unsupported entry type"));
    }
}

void Applier::finish() {
    // Directory times last: creating children changes a directory's mtime.
    for (auto it = dir_times_.rbegin(); it != dir_times_.rend(); ++it) {
        UniqueFd dir = it->rel == "." ? UniqueFd(::fcntl(root_, F_DUPFD_CLOEXEC, 0))
                                      : open_beneath(root_, it->rel, O_RDONLY | O_DIRECTORY, false);
        if (!dir) continue;  // replaced or whited out later in the same layer
        if (::futimens(dir.get(), it->times) < 0) throw_errno("set times of " + it->rel);
    }
}

bool is_empty_dir(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    DIR* d = ::fdopendir(fd.release());
    if (!d) throw_errno("opendir " + path);
    bool empty = true;
    while (dirent* ent = ::readdir(d)) {
        if (std::strcmp(ent->d_name, ".") != 0 && std::strcmp(ent->d_name, "..") != 0) {
            empty = false;
            break;
        }
    }
    ::closedir(d);
    return empty;
}

ApplyResult apply_into(int fd, int root_fd, const ApplyOptions& options, ApplyJournal* journal) {
    TarReader tar(fd, options.what);
    Applier applier(root_fd, options, journal);
    ApplyResult result;
    try {
        while (archive_entry* e = tar.next()) applier.entry(tar, e);
        result.diff_id = tar.finish();
    } catch (...) {
        if (!journal) throw;
        std::string left = journal->rollback();
        if (left.empty()) throw;
        try {
            throw;
        } catch (const Error& e) {
            throw Error(e.code(), std::string(e.what()) + " (rollback incomplete: " + left + ")");
        }
    }
    if (journal) journal->commit();
    applier.finish();
    result.tar_size = tar.uncompressed_size();
    result.unpacked_size = applier.unpacked();
    return result;
}

}  // namespace

ApplyResult apply_layer_at(int fd, int root_fd, const ApplyOptions& options) {
    ApplyJournal journal(root_fd, options.log);
    return apply_into(fd, root_fd, options, &journal);
}

ApplyResult apply_layer(int fd, const std::string& target, const ApplyOptions& options) {
    struct stat st {};
    bool exists = ::stat(target.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) throw_errno("stat " + target);
    if (exists && !S_ISDIR(st.st_mode)) {
        throw Error(Errc::invalid_argument, target + " exists and is not a directory");
    }
    if (exists && !is_empty_dir(target)) {
        UniqueFd root(::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open " + target);
        return apply_layer_at(fd, root.get(), options);
    }
    std::string trimmed = target;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    size_t slash = trimmed.rfind('/');
    std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : trimmed.substr(0, slash));
    std::string base = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
    mkdir_all(parent);
    std::string tmpl = parent + "/." + base + ".apply-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw_errno("mkdtemp " + tmpl);
    try {
        UniqueFd root(::open(tmpl.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open " + tmpl);
        if (::fchmod(root.get(), 0755) < 0) throw_errno("chmod " + tmpl);  // mkdtemp made it 0700
        ApplyResult result =
            apply_into(fd, root.get(), options, nullptr);  // the temp dir is the undo
        if (::rename(tmpl.c_str(), trimmed.c_str()) < 0)
            throw_errno("rename " + tmpl + " to " + trimmed);
        return result;
    } catch (...) {
        try {
            remove_all(tmpl);
        } catch (...) {
        }
        throw;
    }
}

}  // namespace berth::image
