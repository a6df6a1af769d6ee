// Container directories without a record: berthd died while creating the container (the
// snapshot was prepared, the record not yet saved) or while removing it (the record went
// first). Nothing can own them: at start-up no create or remove runs, and every container
// berth knows of has a record.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cctype>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "engine/manager_internal.hpp"
#include "storage/overlay_mount.hpp"

namespace berth::engine {

namespace {

bool looks_like_id(const std::string& name) {
    if (name.size() != 64) return false;
    for (char c : name)
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)))
            return false;
    return true;
}

}  // namespace

void ContainerManager::remove_orphan_dirs(std::vector<std::string>& report) {
    std::string root = options_.data_root + "/containers";
    std::vector<std::string> names;
    {
        UniqueFd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) return;
        names = sorted_dir_entries(dir.get(), root);
    }
    for (const auto& name : names) {
        {
            std::lock_guard lock(mu_);
            if (!looks_like_id(name) || containers_.count(name)) continue;
        }
        std::string dir = root + "/" + name;
        try {
            // A rootfs mounted by the dead daemon would stop the removal (it never crosses
            // into another filesystem): detached first.
            std::string rootfs = dir + "/rootfs";
            if (storage::is_mount_point(rootfs) && ::umount2(rootfs.c_str(), MNT_DETACH) < 0)
                throw_errno("unmount " + rootfs);
            remove_all(dir);
            report.push_back("removed the directory of container " + name.substr(0, 12) +
                             ", which has no record (berthd died creating or removing it)");
        } catch (const std::exception& e) {
            report.push_back("could not remove the directory of container " +
                             name.substr(0, 12) + ", which has no record: " + e.what());
        }
    }
}

}  // namespace berth::engine
