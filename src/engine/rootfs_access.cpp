// Access to a container's merged rootfs whatever its state (docker cp, export): a running
// container's is mounted already; a created or exited one's snapshot is mounted for the
// call only. The op lock makes this safe against a concurrent start (which would reuse the
// mount and then lose it to our unmount) and remove (which would delete it underneath).
#include <fcntl.h>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "engine/manager_internal.hpp"
#include "image/digest.hpp"
#include "storage/overlay_mount.hpp"
#include "storage/snapshotter.hpp"

namespace berth::engine {

void ContainerManager::with_rootfs(const std::string& key, const std::function<void(int)>& fn) {
    auto e = find(key);
    std::lock_guard op(e->op);
    std::string id, top_layer;
    {
        std::lock_guard lock(mu_);
        if (e->removed) throw Error(Errc::not_found, "No such container: " + key);
        id = e->c.id;
        top_layer = e->c.top_layer;
    }
    std::optional<image::Digest> top;
    if (!top_layer.empty()) top = image::Digest::parse(top_layer);
    auto snap = options_.snapshotter->get(id, top, container_dir(id));
    // Not mounted: not running (or exiting right now; its cleanup unmounts, ours then finds
    // nothing to do). The fd below keeps working even if an exit detaches the mount.
    bool mounted_here = !storage::is_mount_point(snap.rootfs);
    if (mounted_here) options_.snapshotter->mount(snap);
    auto release = [&] {
        if (!mounted_here) return;
        // Nothing can have started it meanwhile (start takes the op lock we hold).
        options_.snapshotter->unmount(snap);
    };
    try {
        UniqueFd root(::open(snap.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open rootfs of container " + id);
        fn(root.get());
    } catch (...) {
        try {
            release();
        } catch (...) {
            // The first error is the one to report; unmount() detached what it could.
        }
        throw;
    }
    release();
}

}  // namespace berth::engine
