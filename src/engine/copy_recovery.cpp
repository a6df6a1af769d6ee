// docker cp into a container survives berthd's death: the copy's write-ahead log
// (image/apply_log.hpp) lives in the container's dir, outside its rootfs, and an interrupted
// copy is rolled back at the next start (or before the next copy, if that failed), so the
// container never keeps a half-applied archive nor the journal's .berth-apply-* dir.
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/manager_internal.hpp"
#include "image/apply_recovery.hpp"

namespace berth::engine {

namespace {

constexpr const char* kCopyLog = "/copy-apply.log";

}  // namespace

void ContainerManager::with_rootfs_for_copy(
    const std::string& key, const std::function<void(int, const std::string&)>& fn) {
    auto e = find(key);
    std::string id;
    {
        std::lock_guard lock(mu_);
        id = e->c.id;
    }
    std::string log = container_dir(id) + kCopyLog;
    with_rootfs(key, [&](int root) {
        if (path_exists(log)) {
            std::string left = image::recover_apply(root, log);
            if (!left.empty()) {
                throw Error(Errc::conflict,
                            "an earlier copy into the container was cut short and could not be "
                            "undone: " + left);
            }
        }
        fn(root, log);
    }, RootfsView::with_binds);
}

void ContainerManager::recover_interrupted_copies(std::vector<std::string>& report) {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, e] : containers_)
            if (path_exists(container_dir(id) + kCopyLog)) ids.push_back(id);
    }
    for (const auto& id : ids) {
        std::string what = "container " + id.substr(0, 12) + ": ";
        try {
            std::string left;
            with_rootfs(id, [&](int root) {
                left = image::recover_apply(root, container_dir(id) + kCopyLog);
            }, RootfsView::with_binds);
            report.push_back(what + (left.empty() ? "rolled back a copy into it that was cut short"
                                                  : "could not roll back a copy into it that was "
                                                    "cut short: " + left));
        } catch (const std::exception& err) {
            report.push_back(what + "could not roll back a copy into it that was cut short: " +
                             err.what());
        }
    }
}

}  // namespace berth::engine
