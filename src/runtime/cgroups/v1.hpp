#pragma once
// cgroup v1, and hybrid hosts: controllers live in one mount each (or co-mounted, like
// cpu,cpuacct); on hybrid hosts the cgroup2 hierarchy (root/unified) gets the same
// directory too, and carries the controllers that exist only there (hugetlb on some hosts).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cgroups/cgroup.hpp"
#include "runtime/cgroups/layout.hpp"

namespace berth::runtime::cgroups {

// The cgroup's directory in one hierarchy.
struct V1Dir {
    Hierarchy hierarchy;
    std::string rel;  // path inside the hierarchy, "/berth/abc"
    std::string dir;  // mount + rel
};

class V1Cgroup : public Cgroup {
  public:
    // `unified` is the directory in the cgroup2 hierarchy of a hybrid host (rel and dir set,
    // hierarchy.mount the cgroup2 mount), absent on pure v1.
    V1Cgroup(std::vector<V1Dir> dirs, std::optional<V1Dir> unified, std::string path);

    void create() override;
    void apply(const Resources& resources) override;
    void add_process(pid_t pid) override;
    std::vector<pid_t> pids() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    Json stats() const override;
    void destroy() override;
    const std::string& path() const override { return path_; }
    std::vector<std::string> self_join_files() const override;
    std::vector<HierarchyDir> hierarchy_dirs() const override;
    std::string clone_into_dir() const override { return unified_ ? unified_->dir : ""; }

    // The directory for a controller; nullptr when it is not mounted.
    const std::string* dir_of(std::string_view controller) const;
    // The hybrid cgroup2 directory when it has `controller` in cgroup.controllers.
    const std::string* unified_dir_with(std::string_view controller) const;

  private:
    void apply_memory(const MemoryResources& memory);
    void apply_cpu(const CpuResources& cpu);
    void apply_blkio(const BlockIoResources& blkio);
    void apply_hugetlb(const std::vector<HugepageLimit>& limits);
    void apply_devices(const std::vector<DeviceRule>& rules);
    void apply_network(const Resources& resources);
    void apply_unified(const std::map<std::string, std::string>& unified);
    const std::string& require_dir(std::string_view controller, std::string_view why) const;

    std::vector<V1Dir> dirs_;
    std::optional<V1Dir> unified_;
    std::string path_;
};

}  // namespace berth::runtime::cgroups
