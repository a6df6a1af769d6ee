#include "storage/snapshotter.hpp"

#include <sys/stat.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "storage/overlay_mount.hpp"

namespace berth::storage {

namespace {
void check_id(const std::string& id) {
    if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..") {
        throw Error(Errc::invalid_argument, "invalid snapshot id \"" + id + "\"");
    }
}
}  // namespace

Snapshotter::Snapshotter(LayerStore& layers, std::string root)
    : layers_(layers), containers_(std::move(root) + "/containers") {
    mkdir_all(containers_, 0710);
}

Snapshot Snapshotter::get(const std::string& id, const std::optional<image::Digest>& top,
                          const std::string& dir) const {
    check_id(id);
    Snapshot s;
    s.dir = dir.empty() ? containers_ + "/" + id : dir;
    s.upper = s.dir + "/upper";
    s.work = s.dir + "/work";
    s.rootfs = s.dir + "/rootfs";
    if (top) {
        s.lowers = layers_.lower_dirs(*top);
    } else {
        s.lowers = {s.dir + "/empty"};  // overlayfs needs a lower; an image without layers has none
    }
    return s;
}

Snapshot Snapshotter::prepare(const std::string& id, const std::optional<image::Digest>& top,
                              const std::string& dir) {
    Snapshot s = get(id, top, dir);
    mkdir_all(s.dir, 0710);
    mkdir_all(s.upper, 0755);
    mkdir_all(s.work, 0700);
    mkdir_all(s.rootfs, 0755);
    if (!top) mkdir_all(s.dir + "/empty", 0755);
    return s;
}

void Snapshotter::mount(const Snapshot& s, bool throwaway) {
    if (is_mount_point(s.rootfs)) return;
    OverlayMount m{s.lowers, s.upper, s.work, s.rootfs, throwaway};
    std::vector<std::string> short_lowers;
    std::string base;
    // Relative short names only work for lowers that live in the layer store.
    bool in_store = !s.lowers.empty() && s.lowers.front().starts_with(layers_.layers_dir() + "/");
    if (in_store) {
        base = layers_.layers_dir();
        for (const auto& lower : s.lowers) {
            // <layers>/<hex>/diff -> l/<first 16 hex>, as LayerStore names them.
            std::string hex = lower.substr(base.size() + 1, 64);
            short_lowers.push_back("l/" + hex.substr(0, 16));
        }
    }
    mount_overlay(m, base, short_lowers);
}

bool Snapshotter::unmount(const Snapshot& s) {
    bool any = false;
    // A detached-but-busy mount can leave another below it; unmount until none is left.
    for (int i = 0; i < 8 && is_mount_point(s.rootfs); ++i) any = storage::unmount(s.rootfs) || any;
    return any;
}

void Snapshotter::remove(const Snapshot& s) {
    if (path_exists(s.rootfs)) unmount(s);
    remove_all(s.dir);  // refuses to cross a mount point, so a failed unmount is reported
}

}  // namespace berth::storage
