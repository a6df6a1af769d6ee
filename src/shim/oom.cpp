#include "shim/oom.hpp"

#include <sstream>

#include "common/file_util.hpp"

namespace berth::shim {

namespace {

long field(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    std::string k;
    long v;
    while (in >> k >> v) {
        if (k == key) return v;
    }
    return 0;
}

}  // namespace

bool cgroup_oom_killed(const std::string& cgroup_path, const std::string& root) {
    // v2 (unified, or the unified mount of a hybrid host), then v1's memory controller.
    for (const std::string& file : {root + cgroup_path + "/memory.events", root + "/unified" + cgroup_path + "/memory.events"}) {
        try {
            if (auto text = read_file_if_exists(file); text && field(*text, "oom_kill") > 0) return true;
        } catch (...) {
        }
    }
    try {
        if (auto text = read_file_if_exists(root + "/memory" + cgroup_path + "/memory.oom_control")) {
            return field(*text, "oom_kill") > 0;
        }
    } catch (...) {
    }
    return false;
}

}  // namespace berth::shim
