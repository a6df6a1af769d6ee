#include "runtime/mount_parent.hpp"

#include <fstream>
#include <sstream>

namespace berth::runtime {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int v = 0;
            bool ok = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = s[i + k];
                if (c < '0' || c > '7') ok = false;
                v = v * 8 + (c - '0');
            }
            if (ok) {
                out += static_cast<char>(v);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

bool contains(const std::string& mount_point, const std::string& path) {
    if (mount_point == "/") return true;
    return path == mount_point || (path.size() > mount_point.size() && path.compare(0, mount_point.size(), mount_point) == 0 &&
                                   path[mount_point.size()] == '/');
}

}  // namespace

MountOf mount_of(const std::string& path) {
    MountOf best;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    // Later lines stack on earlier ones at the same point: the last deepest match wins.
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, dev, root, point;
        if (!(fields >> id >> parent >> dev >> root >> point)) continue;
        point = unescape(point);
        if (!contains(point, path) || point.size() < best.mount_point.size()) continue;
        MountOf m;
        m.mount_point = point;
        std::string opt;
        fields >> opt;  // the mount's own options
        while (fields >> opt && opt != "-") {
            if (opt.rfind("shared:", 0) == 0) m.shared = true;
            if (opt.rfind("master:", 0) == 0) m.slave = true;
        }
        best = m;
    }
    return best;
}

}  // namespace berth::runtime
