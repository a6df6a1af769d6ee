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

}  // namespace berth::engine
