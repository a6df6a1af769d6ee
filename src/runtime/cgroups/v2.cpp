#include "runtime/cgroups/v2.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_file.hpp"

namespace berth::runtime::cgroups {

namespace {

// The controllers a container's resources can use; others (perf_event...) stay off.
const std::vector<std::string> kWanted = {"cpuset",  "cpu",  "io",   "memory",
                                          "hugetlb", "pids", "rdma", "misc"};

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

V2Cgroup::V2Cgroup(std::string mount, std::string rel)
    : mount_(std::move(mount)), rel_(std::move(rel)), dir_(mount_ + rel_) {}

void enable_subtree_controllers(const std::string& mount, const std::vector<std::string>& levels,
                                const std::vector<std::string>& wanted) {
    auto available = split_ws(read_value(mount, "cgroup.controllers").value_or(""));
    std::vector<std::string> to_enable;
    for (const auto& c : wanted) {
        if (contains(available, c)) to_enable.push_back(c);
    }
    if (to_enable.empty() || levels.empty()) return;
    std::vector<std::string> parents = {mount};
    parents.insert(parents.end(), levels.begin(), levels.end() - 1);
    for (const auto& parent : parents) {
        // A level offers only what its parent enabled (and its own cgroup.controllers says
        // so); enabling anything else would fail with ENOENT.
        std::vector<std::string> list = to_enable;
        if (parent != mount) {
            if (auto own = read_value(parent, "cgroup.controllers")) {
                auto offered = split_ws(*own);
                std::erase_if(list, [&](const std::string& c) { return !contains(offered, c); });
            }
        }
        auto enabled = split_ws(read_value(parent, "cgroup.subtree_control").value_or(""));
        std::string value;
        for (const auto& c : list) {
            if (contains(enabled, c)) continue;
            if (!value.empty()) value += ' ';
            value += "+" + c;
        }
        if (!value.empty()) write_value(parent, "cgroup.subtree_control", value);
    }
}

void V2Cgroup::create() {
    auto levels = make_levels(mount_, rel_);
    enable_subtree_controllers(mount_, levels, kWanted);
}

void V2Cgroup::add_process(pid_t pid) {
    write_value(dir_, "cgroup.procs", std::to_string(pid));
}

std::vector<pid_t> V2Cgroup::pids() const {
    std::vector<pid_t> out;
    collect_pids(dir_, out);
    return out;
}

void V2Cgroup::freeze() {
    write_value(dir_, "cgroup.freeze", "1");
    // cgroup.events says when every task has stopped. A tree without it (a fake one in
    // tests) has nothing to wait for.
    if (!path_exists(dir_ + "/cgroup.events")) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    auto delay = std::chrono::microseconds(100);
    for (;;) {
        auto events = read_keyed(dir_, "cgroup.events");
        if (events.count("frozen") && events["frozen"] == 1) return;
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::microseconds(20000));
    }
    try {
        write_value(dir_, "cgroup.freeze", "0");
    } catch (const Error&) {
    }
    throw Error(
        Errc::unavailable,
        "cgroup: freeze " + dir_ + ": cgroup.events did not report frozen after 2s; thawed again");
}

void V2Cgroup::thaw() {
    write_value(dir_, "cgroup.freeze", "0");
}

bool V2Cgroup::frozen() const {
    auto events = read_keyed(dir_, "cgroup.events");
    if (auto it = events.find("frozen"); it != events.end()) return it->second == 1;
    return read_value(dir_, "cgroup.freeze").value_or("") == "1";
}

void V2Cgroup::destroy() {
    remove_cgroup_dir(dir_);
}

int64_t swap_to_v2(int64_t memory_swap, int64_t memory) {
    if (memory_swap == -1 || memory_swap == 0) return memory_swap;
    if (memory == 0 || memory == -1) {
        throw Error(Errc::invalid_argument, "cgroup: a memory swap limit needs a memory limit");
    }
    if (memory_swap < memory) {
        throw Error(Errc::invalid_argument,
                    "cgroup: memory+swap limit " + std::to_string(memory_swap) +
                        " is below the memory limit " + std::to_string(memory));
    }
    return memory_swap - memory;
}

uint64_t shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    shares = std::clamp<uint64_t>(shares, 2, 262144);
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    weight = std::clamp<uint64_t>(weight, 10, 1000);
    return 1 + (weight - 10) * 9999 / 990;
}

}  // namespace berth::runtime::cgroups
