#include "runtime/cgroups/v1.hpp"

#include <chrono>
#include <exception>
#include <thread>

#include "common/error.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/v2.hpp"

namespace berth::runtime::cgroups {

namespace {

// A new cpuset cgroup starts with empty cpus and mems, and the kernel refuses tasks in it
// (ENOSPC) until both are set; copy them from the parent, level by level.
void copy_cpuset_from_parent(const std::string& parent, const std::string& dir) {
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        auto mine = read_value(dir, file);
        if (!mine || !mine->empty()) continue;  // set already (or not a cpuset dir at all)
        auto theirs = read_value(parent, file);
        if (!theirs || theirs->empty()) continue;
        write_value(dir, file, *theirs);
    }
}

}  // namespace

V1Cgroup::V1Cgroup(std::vector<V1Dir> dirs, std::optional<V1Dir> unified, std::string path)
    : dirs_(std::move(dirs)), unified_(std::move(unified)), path_(std::move(path)) {}

const std::string* V1Cgroup::dir_of(std::string_view controller) const {
    for (const auto& d : dirs_) {
        if (d.hierarchy.has(controller)) return &d.dir;
    }
    return nullptr;
}

const std::string* V1Cgroup::unified_dir_with(std::string_view controller) const {
    if (!unified_) return nullptr;
    auto available = read_value(unified_->hierarchy.mount, "cgroup.controllers");
    if (!available) return nullptr;
    for (const auto& c : split_ws(*available)) {
        if (c == controller) return &unified_->dir;
    }
    return nullptr;
}

const std::string& V1Cgroup::require_dir(std::string_view controller, std::string_view why) const {
    if (const auto* dir = dir_of(controller)) return *dir;
    throw Error(Errc::unavailable, "cgroup: " + std::string(why) + " needs the " +
                                       std::string(controller) +
                                       " controller, which is not mounted");
}

void V1Cgroup::create() {
    for (const auto& d : dirs_) {
        auto levels = make_levels(d.hierarchy.mount, d.rel);
        if (!d.hierarchy.has("cpuset")) continue;
        std::string parent = d.hierarchy.mount;
        for (const auto& level : levels) {
            copy_cpuset_from_parent(parent, level);
            parent = level;
        }
    }
    if (unified_) {
        auto levels = make_levels(unified_->hierarchy.mount, unified_->rel);
        // Controllers that exist only in the cgroup2 hierarchy must be enabled in every
        // ancestor; best effort, since the v1 side is what the container needs.
        std::vector<std::string> wanted;
        if (!dir_of("hugetlb") && unified_dir_with("hugetlb")) wanted.push_back("hugetlb");
        if (!wanted.empty()) {
            try {
                enable_subtree_controllers(unified_->hierarchy.mount, levels, wanted);
            } catch (const Error&) {
            }
        }
    }
}

void V1Cgroup::add_process(pid_t pid) {
    std::string value = std::to_string(pid);
    for (const auto& d : dirs_) write_value(d.dir, "cgroup.procs", value);
    if (unified_) write_value(unified_->dir, "cgroup.procs", value);
}

std::vector<pid_t> V1Cgroup::pids() const {
    std::vector<pid_t> out;
    const std::string* dir = nullptr;
    for (const char* c : {"pids", "memory", "freezer"}) {
        if ((dir = dir_of(c))) break;
    }
    if (!dir && !dirs_.empty()) dir = &dirs_.front().dir;
    if (dir) collect_pids(*dir, out);
    return out;
}

void V1Cgroup::freeze() {
    const std::string& dir = require_dir("freezer", "freeze");
    // Tasks in uninterruptible sleep can leave the cgroup FREEZING; like runc, write FROZEN
    // again while polling, and give up (thawed again) after about two seconds.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    auto delay = std::chrono::microseconds(100);
    std::string state;
    for (int attempt = 0;; ++attempt) {
        if (attempt % 10 == 0) write_value(dir, "freezer.state", "FROZEN");
        state = read_value(dir, "freezer.state").value_or("");
        if (state == "FROZEN") return;
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::microseconds(20000));
    }
    try {
        write_value(dir, "freezer.state", "THAWED");
    } catch (const Error&) {
    }
    throw Error(Errc::unavailable, "cgroup: freeze " + dir + ": still " +
                                       (state.empty() ? "unknown" : state) +
                                       " after 2s; thawed again");
}

void V1Cgroup::thaw() {
    write_value(require_dir("freezer", "thaw"), "freezer.state", "THAWED");
}

bool V1Cgroup::frozen() const {
    const auto* dir = dir_of("freezer");
    if (!dir) return false;
    return read_value(*dir, "freezer.state").value_or("") == "FROZEN";
}

void V1Cgroup::destroy() {
    std::exception_ptr first;
    auto remove = [&](const std::string& dir) {
        try {
            remove_cgroup_dir(dir);
        } catch (...) {
            if (!first) first = std::current_exception();
        }
    };
    for (const auto& d : dirs_) remove(d.dir);
    if (unified_) remove(unified_->dir);
    if (first) std::rethrow_exception(first);
}

std::vector<std::string> V1Cgroup::self_join_files() const {
    std::vector<std::string> out;
    for (const auto& d : dirs_) out.push_back(d.dir + "/tasks");
    return out;
}

std::vector<HierarchyDir> V1Cgroup::hierarchy_dirs() const {
    std::vector<HierarchyDir> out;
    for (const auto& d : dirs_) {
        std::string controllers;
        for (const auto& c : d.hierarchy.controllers) controllers += (controllers.empty() ? "" : ",") + c;
        std::string name = d.hierarchy.mount.substr(d.hierarchy.mount.rfind('/') + 1);
        std::string options = controllers.rfind("name=", 0) == 0 ? "none," + controllers : controllers;
        out.push_back({name, options, d.dir});
    }
    return out;
}

}  // namespace berth::runtime::cgroups
