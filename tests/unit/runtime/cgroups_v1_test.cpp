// cgroup v1 and hybrid hosts on fake trees: directories, values written, cpuset copy,
// devices replay, freezer, stats.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_path.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v1.hpp"

namespace cg = berth::runtime::cgroups;
using berth::runtime::Resources;

namespace {

const char* kHierarchies[] = {"cpu",     "cpuacct", "cpuset", "memory", "devices",
                              "freezer", "blkio",   "pids",   "systemd"};

class CgroupV1Fake : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-cgroup-v1-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        for (const char* h : kHierarchies) berth::mkdir_all(root_ + "/" + h);
        write("cpuset/cpuset.cpus", "0-3\n");
        write("cpuset/cpuset.mems", "0\n");
        // Kernel-made files of the cpuset levels, empty as in a fresh cgroup.
        berth::mkdir_all(root_ + "/cpuset/berth/c1");
        for (const char* f : {"berth/cpuset.cpus", "berth/cpuset.mems", "berth/c1/cpuset.cpus",
                              "berth/c1/cpuset.mems"}) {
            write(std::string("cpuset/") + f, "");
        }
    }
    void TearDown() override { berth::remove_all(root_); }

    std::unique_ptr<cg::Cgroup> open(const std::string& path = "") {
        return cg::open_layout(cg::discover(root_), path, "c1", "0::/\n");
    }
    void write(const std::string& rel, const std::string& content) {
        std::ofstream(root_ + "/" + rel) << content;
    }
    std::string read(const std::string& rel) {
        auto text = berth::read_file_if_exists(root_ + "/" + rel);
        return text ? *text : "<missing>";
    }
    // The files the kernel would create in the leaf of a hierarchy.
    void leaf_files(const char* hierarchy, std::initializer_list<const char*> files) {
        for (const char* f : files) write(std::string(hierarchy) + "/berth/c1/" + f, "");
    }

    std::string root_;
};

}  // namespace

TEST_F(CgroupV1Fake, CreateMakesEveryHierarchyAndCopiesCpusetDown) {
    auto cgroup = open();
    EXPECT_EQ(cg::discover(root_).mode, cg::Mode::v1);
    cgroup->create();
    for (const char* h : kHierarchies) {
        EXPECT_TRUE(berth::path_exists(root_ + "/" + h + "/berth/c1")) << h;
    }
    EXPECT_EQ(read("cpuset/berth/cpuset.cpus"), "0-3");
    EXPECT_EQ(read("cpuset/berth/cpuset.mems"), "0");
    EXPECT_EQ(read("cpuset/berth/c1/cpuset.cpus"), "0-3");
    EXPECT_EQ(read("cpuset/berth/c1/cpuset.mems"), "0");
    EXPECT_EQ(cgroup->path(), "/berth/c1");
}

TEST_F(CgroupV1Fake, CreateKeepsAnExistingCpuset) {
    write("cpuset/berth/c1/cpuset.cpus", "1\n");
    open()->create();
    EXPECT_EQ(read("cpuset/berth/c1/cpuset.cpus"), "1\n");
    EXPECT_EQ(read("cpuset/berth/c1/cpuset.mems"), "0");
}

TEST_F(CgroupV1Fake, ApplyWritesEveryController) {
    auto cgroup = open();
    cgroup->create();
    leaf_files("memory", {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
                          "memory.soft_limit_in_bytes", "memory.swappiness", "memory.oom_control"});
    leaf_files("cpu", {"cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"});
    leaf_files("pids", {"pids.max"});
    leaf_files("blkio", {"blkio.weight", "blkio.weight_device", "blkio.throttle.read_bps_device",
                         "blkio.throttle.write_iops_device"});
    leaf_files("devices", {"devices.allow", "devices.deny"});
    write("memory/berth/c1/memory.limit_in_bytes", "9223372036854771712");
    Resources r;
    r.memory.limit = 64 << 20;
    r.memory.swap = 128 << 20;
    r.memory.reservation = 32 << 20;
    r.memory.swappiness = 0;
    r.memory.disable_oom_killer = true;
    r.memory.kernel = 1 << 20;  // ignored: no file is written, no error
    r.cpu.shares = 512;
    r.cpu.quota = 20000;
    r.cpu.period = 100000;
    r.cpu.cpus = "1";
    r.pids_limit = -1;
    r.block_io.weight = 300;
    r.block_io.weight_device = {{8, 0, 200, {}}};
    r.block_io.throttle_read_bps_device = {{8, 0, 1000}, {8, 16, 2000}};
    r.block_io.throttle_write_iops_device = {{8, 0, 10}};
    r.devices = {{false, 'a', {}, {}, "rwm"},
                 {true, 'c', 1, 3, "rwm"},
                 {true, 'c', {}, {}, "m"},
                 {false, 'c', 1, 3, "w"},
                 {true, 'b', 8, {}, ""}};
    cgroup->apply(r);
    EXPECT_EQ(read("memory/berth/c1/memory.limit_in_bytes"), "67108864");
    EXPECT_EQ(read("memory/berth/c1/memory.memsw.limit_in_bytes"), "134217728");
    EXPECT_EQ(read("memory/berth/c1/memory.soft_limit_in_bytes"), "33554432");
    EXPECT_EQ(read("memory/berth/c1/memory.swappiness"), "0");
    EXPECT_EQ(read("memory/berth/c1/memory.oom_control"), "1");
    EXPECT_FALSE(berth::path_exists(root_ + "/memory/berth/c1/memory.kmem.limit_in_bytes"));
    EXPECT_EQ(read("cpu/berth/c1/cpu.shares"), "512");
    EXPECT_EQ(read("cpu/berth/c1/cpu.cfs_quota_us"), "20000");
    EXPECT_EQ(read("cpu/berth/c1/cpu.cfs_period_us"), "100000");
    EXPECT_EQ(read("cpuset/berth/c1/cpuset.cpus"), "1");
    EXPECT_EQ(read("pids/berth/c1/pids.max"), "max");
    EXPECT_EQ(read("blkio/berth/c1/blkio.weight"), "300");
    EXPECT_EQ(read("blkio/berth/c1/blkio.weight_device"), "8:0 200\n");
    EXPECT_EQ(read("blkio/berth/c1/blkio.throttle.read_bps_device"), "8:0 1000\n8:16 2000\n");
    EXPECT_EQ(read("blkio/berth/c1/blkio.throttle.write_iops_device"), "8:0 10\n");
    // Replay: deny everything, then each rule in order to its file.
    EXPECT_EQ(read("devices/berth/c1/devices.deny"), "a\na\nc 1:3 w\n");
    EXPECT_EQ(read("devices/berth/c1/devices.allow"), "c 1:3 rwm\nc *:* m\nb 8:* rwm\n");
}

TEST_F(CgroupV1Fake, SwapAccountingOffSkipsOnlyHarmlessSwap) {
    auto cgroup = open();
    cgroup->create();
    leaf_files("memory", {"memory.limit_in_bytes"});
    Resources r;
    r.memory.limit = 1 << 20;
    r.memory.swap = -1;
    EXPECT_NO_THROW(cgroup->apply(r));
    r.memory.swap = 1 << 20;
    EXPECT_NO_THROW(cgroup->apply(r));
    EXPECT_EQ(read("memory/berth/c1/memory.limit_in_bytes"), "1048576");
    r.memory.swap = 2 << 20;
    try {
        cgroup->apply(r);
        FAIL() << "a swap limit was accepted without memsw";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("memory.memsw.limit_in_bytes"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("2097152"), std::string::npos) << e.what();
    }
}

TEST_F(CgroupV1Fake, UnlimitedMemoryAlsoUnlimitsSwap) {
    auto cgroup = open();
    cgroup->create();
    leaf_files("memory", {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"});
    Resources r;
    r.memory.limit = -1;
    cgroup->apply(r);
    EXPECT_EQ(read("memory/berth/c1/memory.limit_in_bytes"), "-1");
    EXPECT_EQ(read("memory/berth/c1/memory.memsw.limit_in_bytes"), "-1");
}

TEST_F(CgroupV1Fake, ErrorsNameFileAndValue) {
    auto cgroup = open();
    cgroup->create();
    Resources r;
    r.cpu.shares = 100;
    try {
        cgroup->apply(r);
        FAIL() << "no error";
    } catch (const berth::Error& e) {
        EXPECT_EQ(std::string(e.what()), "cgroup: write 100 to " + root_ +
                                             "/cpu/berth/c1/cpu.shares: No such file or directory");
    }
}

TEST_F(CgroupV1Fake, MissingControllersAreReported) {
    auto cgroup = open();
    cgroup->create();
    Resources r;
    r.hugepage_limits = {{"2MB", 1}};
    try {
        cgroup->apply(r);
        FAIL() << "hugetlb accepted without the controller";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::unavailable);
        EXPECT_NE(std::string(e.what()).find("hugetlb"), std::string::npos);
    }
    Resources u;
    u.unified["memory.high"] = "1";
    EXPECT_THROW(cgroup->apply(u), berth::Error);
    Resources n;
    n.network_class_id = 7;  // net_cls not mounted: skipped like runc
    EXPECT_NO_THROW(cgroup->apply(n));
}

TEST_F(CgroupV1Fake, AddProcessToEveryHierarchy) {
    auto cgroup = open();
    cgroup->create();
    for (const char* h : kHierarchies) write(std::string(h) + "/berth/c1/cgroup.procs", "");
    cgroup->add_process(4321);
    for (const char* h : kHierarchies)
        EXPECT_EQ(read(std::string(h) + "/berth/c1/cgroup.procs"), "4321") << h;
}

TEST_F(CgroupV1Fake, PidsAreRecursiveInThePidsHierarchy) {
    auto cgroup = open();
    cgroup->create();
    write("pids/berth/c1/cgroup.procs", "10\n");
    berth::mkdir_all(root_ + "/pids/berth/c1/inner");
    write("pids/berth/c1/inner/cgroup.procs", "11\n12\n");
    write("memory/berth/c1/cgroup.procs", "99\n");  // not the hierarchy pids() reads
    auto pids = cgroup->pids();
    std::sort(pids.begin(), pids.end());
    EXPECT_EQ(pids, (std::vector<pid_t>{10, 11, 12}));
}

TEST_F(CgroupV1Fake, FreezerStates) {
    auto cgroup = open();
    cgroup->create();
    write("freezer/berth/c1/freezer.state", "THAWED\n");
    EXPECT_FALSE(cgroup->frozen());
    cgroup->freeze();
    EXPECT_EQ(read("freezer/berth/c1/freezer.state"), "FROZEN");
    EXPECT_TRUE(cgroup->frozen());
    cgroup->thaw();
    EXPECT_EQ(read("freezer/berth/c1/freezer.state"), "THAWED");
    EXPECT_FALSE(cgroup->frozen());
}

TEST_F(CgroupV1Fake, StatsFromFakeFiles) {
    auto cgroup = open();
    cgroup->create();
    write("cpuacct/berth/c1/cpuacct.usage", "123456\n");
    write("cpuacct/berth/c1/cpuacct.usage_percpu", "100000 23456 \n");
    write("cpuacct/berth/c1/cpuacct.stat", "user 10\nsystem 5\n");
    write("cpu/berth/c1/cpu.stat", "nr_periods 4\nnr_throttled 1\nthrottled_time 999\n");
    write("memory/berth/c1/memory.usage_in_bytes", "8192\n");
    write("memory/berth/c1/memory.limit_in_bytes", "67108864\n");
    write("memory/berth/c1/memory.max_usage_in_bytes", "16384\n");
    write("memory/berth/c1/memory.failcnt", "0\n");
    write("memory/berth/c1/memory.memsw.usage_in_bytes", "9000\n");
    write("memory/berth/c1/memory.stat", "cache 100\nrss 200\ntotal_cache 300\n");
    write("pids/berth/c1/pids.current", "3\n");
    write("pids/berth/c1/pids.max", "max\n");
    write("blkio/berth/c1/blkio.throttle.io_service_bytes_recursive",
          "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
    write("blkio/berth/c1/blkio.throttle.io_serviced_recursive", "8:0 Read 1\n");
    auto s = cgroup->stats();
    uint64_t tick_ns = 1000000000ULL / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
    EXPECT_EQ(s["cpu"]["usage"]["total"], 123456u);
    EXPECT_EQ(s["cpu"]["usage"]["percpu"], (berth::Json{100000, 23456}));
    EXPECT_EQ(s["cpu"]["usage"]["user"], 10 * tick_ns);
    EXPECT_EQ(s["cpu"]["usage"]["kernel"], 5 * tick_ns);
    EXPECT_EQ(s["cpu"]["throttling"]["throttledTime"], 999u);
    EXPECT_EQ(s["memory"]["usage"],
              (berth::Json{{"usage", 8192}, {"limit", 67108864}, {"max", 16384}, {"failcnt", 0}}));
    EXPECT_EQ(s["memory"]["swap"], (berth::Json{{"usage", 9000}}));
    EXPECT_FALSE(s["memory"].contains("kernel"));
    EXPECT_EQ(s["memory"]["cache"], 300u);
    EXPECT_EQ(s["memory"]["raw"]["rss"], 200u);
    EXPECT_EQ(s["pids"], (berth::Json{{"current", 3}}));
    ASSERT_EQ(s["blkio"]["ioServiceBytesRecursive"].size(), 2u);
    EXPECT_EQ(s["blkio"]["ioServiceBytesRecursive"][0],
              (berth::Json{{"major", 8}, {"minor", 0}, {"op", "Read"}, {"value", 4096}}));
    EXPECT_EQ(s["blkio"]["ioServicedRecursive"].size(), 1u);
    EXPECT_FALSE(s.contains("hugetlb"));
}

TEST_F(CgroupV1Fake, DestroyRemovesEveryLeaf) {
    // Plain files would be in the way of rmdir on a fake tree; the kernel's are not.
    berth::remove_all(root_ + "/cpuset/berth");
    auto cgroup = open();
    cgroup->create();
    berth::mkdir_all(root_ + "/memory/berth/c1/nested");
    cgroup->destroy();
    for (const char* h : kHierarchies) {
        EXPECT_FALSE(berth::path_exists(root_ + "/" + h + "/berth/c1")) << h;
        EXPECT_TRUE(berth::path_exists(root_ + "/" + h + "/berth")) << h;
    }
}

// Hybrid: v1 controllers plus cgroup2 at unified, which has only hugetlb.
class CgroupHybridFake : public CgroupV1Fake {
  protected:
    void SetUp() override {
        CgroupV1Fake::SetUp();
        berth::mkdir_all(root_ + "/unified/berth");
        write("unified/cgroup.controllers", "hugetlb\n");
        write("unified/cgroup.subtree_control", "");
        write("unified/berth/cgroup.subtree_control", "");
    }
};

TEST_F(CgroupHybridFake, DetectCreateAndHugetlbInUnified) {
    EXPECT_EQ(cg::detect(root_).mode, cg::Mode::hybrid);
    auto cgroup = open();
    cgroup->create();
    EXPECT_TRUE(berth::path_exists(root_ + "/unified/berth/c1"));
    EXPECT_TRUE(berth::path_exists(root_ + "/systemd/berth/c1"));
    EXPECT_EQ(read("unified/cgroup.subtree_control"), "+hugetlb");
    EXPECT_EQ(read("unified/berth/cgroup.subtree_control"), "+hugetlb");
    write("unified/berth/c1/hugetlb.2MB.max", "");
    write("unified/berth/c1/memory.high", "");
    Resources r;
    r.hugepage_limits = {{"2MB", 8388608}};
    r.unified["memory.high"] = "42";
    cgroup->apply(r);
    EXPECT_EQ(read("unified/berth/c1/hugetlb.2MB.max"), "8388608");
    EXPECT_EQ(read("unified/berth/c1/memory.high"), "42");
    Resources bad;
    bad.hugepage_limits = {{"../2MB", 1}};
    EXPECT_THROW(cgroup->apply(bad), berth::Error);
}

TEST_F(CgroupHybridFake, AddProcessAlsoJoinsUnifiedAndStatsReadItsHugetlb) {
    auto cgroup = open();
    cgroup->create();
    for (const char* h : kHierarchies) write(std::string(h) + "/berth/c1/cgroup.procs", "");
    write("unified/berth/c1/cgroup.procs", "");
    cgroup->add_process(777);
    EXPECT_EQ(read("unified/berth/c1/cgroup.procs"), "777");
    EXPECT_EQ(read("systemd/berth/c1/cgroup.procs"), "777");
    write("unified/berth/c1/hugetlb.1GB.current", "0\n");
    write("unified/berth/c1/hugetlb.2MB.current", "2097152\n");
    write("unified/berth/c1/hugetlb.2MB.events", "max 1\n");
    auto s = cgroup->stats();
    EXPECT_EQ(s["hugetlb"]["2MB"]["usage"], 2097152u);
    EXPECT_EQ(s["hugetlb"]["2MB"]["failcnt"], 1u);
    EXPECT_TRUE(s["hugetlb"].contains("1GB"));
}

TEST_F(CgroupHybridFake, DestroyAlsoRemovesTheUnifiedDir) {
    berth::remove_all(root_ + "/cpuset/berth");
    auto cgroup = open();
    cgroup->create();
    cgroup->destroy();
    EXPECT_FALSE(berth::path_exists(root_ + "/unified/berth/c1"));
    EXPECT_FALSE(berth::path_exists(root_ + "/memory/berth/c1"));
}
