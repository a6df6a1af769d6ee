#pragma once
// cgroup v2: one directory in the unified hierarchy; controllers must be enabled in every
// ancestor's cgroup.subtree_control before their files appear in the leaf.
#include <string>
#include <vector>

#include "runtime/cgroups/cgroup.hpp"

namespace berth::runtime::cgroups {

class V2Cgroup : public Cgroup {
  public:
    // `mount` is the cgroup2 mount, `rel` the path inside it ("/berth/abc").
    V2Cgroup(std::string mount, std::string rel);

    void create() override;
    void apply(const Resources& resources) override;
    void add_process(pid_t pid) override;
    std::vector<pid_t> pids() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    Json stats() const override;
    void destroy() override;
    const std::string& path() const override { return rel_; }
    std::vector<std::string> self_join_files() const override { return {}; }
    std::string clone_into_dir() const override { return dir_; }
    std::vector<HierarchyDir> hierarchy_dirs() const override { return {}; }

    const std::string& dir() const { return dir_; }

  private:
    void apply_memory(const MemoryResources& memory);
    void apply_cpu(const CpuResources& cpu);
    void apply_io(const BlockIoResources& io);

    std::string mount_;
    std::string rel_;
    std::string dir_;
};

// Enables `wanted` controllers (those the mount's cgroup.controllers offers) in the
// subtree_control of the mount and of every level but the last. Throws naming the file.
void enable_subtree_controllers(const std::string& mount, const std::vector<std::string>& levels,
                                const std::vector<std::string>& wanted);

// OCI memory+swap -> memory.swap.max (swap alone), as runc converts it: -1 stays unlimited,
// 0 stays unset. invalid_argument when swap is below the memory limit or has no limit.
int64_t swap_to_v2(int64_t memory_swap, int64_t memory);
// cpu.shares (2..262144) -> cpu.weight (1..10000).
uint64_t shares_to_weight(uint64_t shares);
// blkio.weight (10..1000) -> io.weight (1..10000).
uint64_t blkio_weight_to_io_weight(uint64_t weight);

}  // namespace berth::runtime::cgroups
