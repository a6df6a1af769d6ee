#pragma once
// A container's rootfs as docker cp sees it: with the user's bind mounts (-v, --mount
// type=bind) in place, so a copy into /data of a container started with -v /srv:/data lands
// in /srv, as with Docker, and not in the container's layer under the mount.
//
// The binds are mounted in a private mount namespace of one thread (as moby's unshare.Go):
// unshare(CLONE_NEWNS) on a fresh thread, "/" made rprivate so nothing propagates back to
// the host, the binds mounted there, `fn` run, and the namespace with all its mounts gone
// when the thread ends. The host's mount table never changes.
#include <functional>
#include <string>
#include <vector>

#include "volume/mount_spec.hpp"

namespace berth::engine {

// Runs fn(rootfs_fd) with `binds` (only the "bind" ones are used) mounted into `rootfs`, at
// their destinations resolved inside the rootfs (a missing one is created, as the runtime
// would at start). A read-only bind is read-only here too. Without binds, fn runs on the
// calling thread. Errors of fn or of the setup are rethrown on the calling thread.
void with_bind_view(const std::string& rootfs, const std::vector<volume::MountPoint>& binds,
                    const std::function<void(int rootfs_fd)>& fn);

}  // namespace berth::engine
