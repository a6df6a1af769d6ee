#pragma once
// Mounting and unmounting overlayfs, with syscalls only.
#include <string>
#include <vector>

namespace berth::storage {

struct OverlayMount {
    std::vector<std::string> lowers;  // absolute paths, top-most first
    std::string upper;                // empty: a read-only overlay (needs two or more lowers)
    std::string work;
    std::string target;
    // overlayfs "volatile": no syncs to the upper filesystem. Unmounting an overlay otherwise
    // runs syncfs on the whole filesystem holding upper/ (ovl_sync_fs), which cost 1-150 ms
    // here depending on how much else is dirty. Only for throw-away snapshots: after a
    // crash the upper dir may be incomplete (overlayfs marks work/work/incompat/volatile and
    // refuses to mount it again; mount_overlay clears that mark for the next volatile mount).
    bool volatile_upper = false;
};

// Mounts with the new mount API, one `lowerdir+` per layer (kernel 6.8+), so the number
// of layers is not bounded by the one-page limit of mount(2)'s data argument. On older
// kernels it falls back to mount(2) with lowerdir paths made relative to `short_base`
// (short symlinks, like Docker's overlay2 "l/" dir), resolved by a forked child that
// chdir()s there: chdir is per process and the caller may be multi-threaded.
// `short_lowers` are those relative names, in the same order as `lowers`.
void mount_overlay(const OverlayMount& m, const std::string& short_base = "",
                   const std::vector<std::string>& short_lowers = {});

// The mount(2) path on its own (tests use it to prove the short names fit a page).
void mount_overlay_legacy(const OverlayMount& m, const std::string& short_base,
                          const std::vector<std::string>& short_lowers);

// Unmounts `target`; when busy, detaches it (MNT_DETACH) so it goes away once unused.
// Returns false when nothing was mounted there.
bool unmount(const std::string& target);

// True when `path` is a mount point (its mount id differs from its parent's).
bool is_mount_point(const std::string& path);

}  // namespace berth::storage
