// Access to a container's merged rootfs whatever its state (docker cp, export): a running
// container's is mounted already; a created or exited one's snapshot is mounted for the
// call only, and docker cp sees the container's binds (bind_view.hpp). The op lock makes
// this safe against a concurrent start (which would reuse the mount and then lose it to our
// unmount) and remove (which would delete it underneath).
#include <fcntl.h>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "engine/bind_view.hpp"
#include "engine/manager_internal.hpp"
#include "image/digest.hpp"
#include "storage/overlay_mount.hpp"
#include "storage/snapshotter.hpp"
#include "volume/mount_spec.hpp"

namespace berth::engine {

void ContainerManager::with_rootfs(const std::string& key, const std::function<void(int)>& fn,
                                   RootfsView view) {
    auto e = find(key);
    std::lock_guard op(e->op);
    std::string id, top_layer;
    bool running = false;
    Json host_config;
    {
        std::lock_guard lock(mu_);
        if (e->removed) throw Error(Errc::not_found, "No such container: " + key);
        id = e->c.id;
        top_layer = e->c.top_layer;
        running = e->c.state.running();
        host_config = e->c.host_config;
    }
    std::vector<volume::MountPoint> binds;
    if (view == RootfsView::with_binds) binds = volume::container_mounts(host_config, false);
    std::optional<image::Digest> top;
    if (!top_layer.empty()) top = image::Digest::parse(top_layer);
    auto snap = options_.snapshotter->get(id, top, container_dir(id));
    // A running container's mount is its own (unless it is exiting right now: its cleanup
    // unmounts, and the fd below keeps working). A stopped container's mount, if any, is a
    // leftover of a daemon killed during an earlier call: taken over and unmounted after.
    bool mounted_here = !running || !storage::is_mount_point(snap.rootfs);
    if (mounted_here) options_.snapshotter->mount(snap);
    auto release = [&] {
        if (!mounted_here) return;
        // Nothing can have started it meanwhile (start takes the op lock we hold).
        options_.snapshotter->unmount(snap);
    };
    try {
        with_bind_view(snap.rootfs, binds, fn);
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

void ContainerManager::check_writable_path(const std::string& key, const std::string& path) {
    auto e = find(key);
    Json host_config;
    {
        std::lock_guard lock(mu_);
        host_config = e->c.host_config;
    }
    // moby's checkIfPathIsInAVolume, then its read-only rootfs check; both InvalidParameter.
    std::string p = volume::clean_path(path);
    bool to_volume = false;
    for (const auto& m : volume::container_mounts(host_config, false)) {
        const std::string& d = m.destination;
        bool holds = d == "/" || p == d ||
                     (p.size() > d.size() && p.compare(0, d.size(), d) == 0 && p[d.size()] == '/');
        if (!holds) continue;
        to_volume = true;
        if (m.rw) break;
        throw Error(Errc::invalid_argument, "mounted volume is marked read-only");
    }
    if (!to_volume && host_config.is_object() && host_config.value("ReadonlyRootfs", false))
        throw Error(Errc::invalid_argument, "container rootfs is marked read-only");
}

bool ContainerManager::unmount_leftover_rootfs(const Container& c) {
    try {
        std::optional<image::Digest> top;
        if (!c.top_layer.empty()) top = image::Digest::parse(c.top_layer);
        return options_.snapshotter->unmount(options_.snapshotter->get(c.id, top, container_dir(c.id)));
    } catch (const Error&) {
        return false;  // restore goes on; the next with_rootfs or remove tries again
    }
}

}  // namespace berth::engine
