#include "engine/mount_stubs.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "common/file_util.hpp"

namespace berth::engine {

const std::vector<std::string>& mount_stub_paths() {
    // The destinations of oci_config_mounts.cpp's default mounts that sit in the upper dir
    // (those under /dev land in its tmpfs, not here).
    static const std::vector<std::string> paths = {
        "dev", "etc/hostname", "etc/hosts", "etc/resolv.conf", "proc", "sys"};
    return paths;
}

bool is_mount_stub(const std::string& upper, const std::string& path,
                   const std::vector<std::string>& lowers) {
    std::string rel = path.starts_with("/") ? path.substr(1) : path;
    const auto& stubs = mount_stub_paths();
    if (std::find(stubs.begin(), stubs.end(), rel) == stubs.end()) return false;
    struct stat st {};
    if (::lstat((upper + "/" + rel).c_str(), &st) < 0) return false;
    if (S_ISREG(st.st_mode)) {
        if (st.st_size != 0) return false;
    } else if (S_ISDIR(st.st_mode)) {
        DIR* d = ::opendir((upper + "/" + rel).c_str());
        if (!d) return false;
        bool empty = true;
        while (dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") empty = false;
        }
        ::closedir(d);
        if (!empty) return false;
    } else {
        return false;
    }
    return std::none_of(lowers.begin(), lowers.end(),
                        [&](const std::string& l) { return path_exists(l + "/" + rel); });
}

bool holds_only_mount_stubs(const std::string& upper, const std::string& path,
                            const std::vector<std::string>& lowers) {
    std::string rel = path.starts_with("/") ? path.substr(1) : path;
    struct stat st {};
    if (::lstat((upper + "/" + rel).c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) return false;
    DIR* d = ::opendir((upper + "/" + rel).c_str());
    if (!d) return false;
    bool any = false, only_stubs = true;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        any = true;
        if (!is_mount_stub(upper, rel + "/" + n, lowers)) only_stubs = false;
    }
    ::closedir(d);
    if (!any || !only_stubs) return false;
    for (const auto& l : lowers) {
        struct stat was {};
        if (::lstat((l + "/" + rel).c_str(), &was) < 0) continue;
        return S_ISDIR(was.st_mode) && was.st_mode == st.st_mode && was.st_uid == st.st_uid &&
               was.st_gid == st.st_gid;
    }
    return false;
}

}  // namespace berth::engine
