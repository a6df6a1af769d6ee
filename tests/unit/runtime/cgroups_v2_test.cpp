// cgroup v2 on a fake tree: the values written, controllers enabled, freeze, stats, errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_path.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v2.hpp"

namespace cg = berth::runtime::cgroups;
using berth::runtime::Resources;

namespace {

class CgroupV2Fake : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-cgroup-v2-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        write("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
        write("cgroup.subtree_control", "cpu\n");  // already on: must not be written again
        // The kernel creates these files in every new cgroup; a fake tree needs them up front.
        berth::mkdir_all(root_ + "/berth");
        write("berth/cgroup.controllers", "cpuset cpu io memory pids\n");
        write("berth/cgroup.subtree_control", "");
        cgroup_ = cg::open_layout(cg::discover(root_), "", "c1", "0::/\n");
        v2_ = dynamic_cast<cg::V2Cgroup*>(cgroup_.get());
        ASSERT_NE(v2_, nullptr);
    }
    void TearDown() override { berth::remove_all(root_); }

    void write(const std::string& rel, const std::string& content) {
        std::ofstream(root_ + "/" + rel) << content;
    }
    std::string read(const std::string& rel) {
        auto text = berth::read_file_if_exists(root_ + "/" + rel);
        return text ? *text : "<missing>";
    }
    // create() plus the control files the kernel would add to the leaf.
    void create_with_files(std::initializer_list<const char*> files) {
        cgroup_->create();
        for (const char* f : files) write(std::string("berth/c1/") + f, "");
    }

    std::string root_;
    std::unique_ptr<cg::Cgroup> cgroup_;
    cg::V2Cgroup* v2_ = nullptr;
};

}  // namespace

TEST_F(CgroupV2Fake, CreateEnablesControllersInEveryAncestorOnly) {
    write("berth/c1.keep", "");  // unrelated file: must stay
    cgroup_->create();
    EXPECT_TRUE(berth::path_exists(root_ + "/berth/c1"));
    // Root offers rdma too, but it is written only where offered; cpu was on already.
    EXPECT_EQ(read("cgroup.subtree_control"), "+cpuset +io +memory +hugetlb +pids +rdma");
    // berth offers no hugetlb/rdma.
    EXPECT_EQ(read("berth/cgroup.subtree_control"), "+cpuset +cpu +io +memory +pids");
    EXPECT_EQ(read("berth/c1/cgroup.subtree_control"), "<missing>");
}

TEST_F(CgroupV2Fake, ApplyWritesConvertedValues) {
    create_with_files({"memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max",
                       "pids.max", "io.max", "io.weight", "memory.high", "hugetlb.2MB.max",
                       "cpuset.cpus", "cpuset.mems"});
    Resources r;
    r.memory.limit = 64 << 20;
    r.memory.swap = 192 << 20;  // memory+swap
    r.memory.reservation = 32 << 20;
    r.cpu.shares = 1024;
    r.cpu.quota = 50000;
    r.cpu.period = 100000;
    r.cpu.cpus = "0-1";
    r.cpu.mems = "0";
    r.pids_limit = 0;
    r.block_io.weight = 500;
    r.block_io.throttle_read_bps_device = {{8, 0, 1048576}};
    r.block_io.throttle_write_iops_device = {{8, 0, 100}, {8, 16, 200}};
    r.block_io.throttle_write_bps_device = {{8, 16, 4096}};
    r.hugepage_limits = {{"2MB", 4194304}};
    r.unified["memory.high"] = "50M";
    cgroup_->apply(r);
    EXPECT_EQ(read("berth/c1/memory.max"), "67108864");
    EXPECT_EQ(read("berth/c1/memory.swap.max"), "134217728");  // swap alone
    EXPECT_EQ(read("berth/c1/memory.low"), "33554432");
    EXPECT_EQ(read("berth/c1/cpu.weight"), "39");  // 1 + (1024-2)*9999/262142
    EXPECT_EQ(read("berth/c1/cpu.max"), "50000 100000");
    EXPECT_EQ(read("berth/c1/cpuset.cpus"), "0-1");
    EXPECT_EQ(read("berth/c1/cpuset.mems"), "0");
    EXPECT_EQ(read("berth/c1/pids.max"), "max");
    EXPECT_EQ(read("berth/c1/io.weight"), "4950\n");  // 1 + (500-10)*9999/990
    EXPECT_EQ(read("berth/c1/io.max"), "8:0 rbps=1048576 wiops=100\n8:16 wbps=4096 wiops=200\n");
    EXPECT_EQ(read("berth/c1/hugetlb.2MB.max"), "4194304");
    EXPECT_EQ(read("berth/c1/memory.high"), "50M");
}

TEST_F(CgroupV2Fake, UnlimitedValuesAreMax) {
    create_with_files({"memory.max", "memory.swap.max", "cpu.max", "pids.max", "cpu.weight"});
    Resources r;
    r.memory.limit = -1;  // swap unset: unlimited too
    r.cpu.period = 250000;
    r.pids_limit = 42;
    r.cpu.shares = 2;
    cgroup_->apply(r);
    EXPECT_EQ(read("berth/c1/memory.max"), "max");
    EXPECT_EQ(read("berth/c1/memory.swap.max"), "max");
    EXPECT_EQ(read("berth/c1/cpu.max"), "max 250000");
    EXPECT_EQ(read("berth/c1/pids.max"), "42");
    EXPECT_EQ(read("berth/c1/cpu.weight"), "1");
    r = Resources{};
    r.memory.limit = 1 << 20;
    r.memory.swap = -1;
    r.cpu.quota = -1;
    r.cpu.period = 100000;
    cgroup_->apply(r);
    EXPECT_EQ(read("berth/c1/memory.max"), "1048576");
    EXPECT_EQ(read("berth/c1/memory.swap.max"), "max");
    EXPECT_EQ(read("berth/c1/cpu.max"), "max 100000");
}

TEST(CgroupV2Convert, SharesWeightAndSwap) {
    EXPECT_EQ(cg::shares_to_weight(2), 1u);
    EXPECT_EQ(cg::shares_to_weight(262144), 10000u);
    EXPECT_EQ(cg::shares_to_weight(1024), 39u);
    EXPECT_EQ(cg::blkio_weight_to_io_weight(10), 1u);
    EXPECT_EQ(cg::blkio_weight_to_io_weight(1000), 10000u);
    EXPECT_EQ(cg::swap_to_v2(-1, 100), -1);
    EXPECT_EQ(cg::swap_to_v2(300, 100), 200);
    EXPECT_THROW(cg::swap_to_v2(50, 100), berth::Error);
    EXPECT_THROW(cg::swap_to_v2(50, -1), berth::Error);
}

TEST_F(CgroupV2Fake, SwapWithoutAccountingNeedsNoSwapRequest) {
    create_with_files({"memory.max"});
    Resources r;
    r.memory.limit = 1 << 20;
    r.memory.swap = 1 << 20;  // memory+swap == memory: no swap, nothing to write
    EXPECT_NO_THROW(cgroup_->apply(r));
    r.memory.swap = 2 << 20;
    try {
        cgroup_->apply(r);
        FAIL() << "swap accepted without memory.swap.max";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("memory.swap.max"), std::string::npos) << e.what();
    }
}

TEST_F(CgroupV2Fake, ErrorsNameTheFileAndValue) {
    create_with_files({});
    Resources r;
    r.memory.limit = 100;
    try {
        cgroup_->apply(r);
        FAIL() << "no error for a missing memory.max";
    } catch (const berth::Error& e) {
        EXPECT_EQ(std::string(e.what()), "cgroup: write 100 to " + root_ +
                                             "/berth/c1/memory.max: No such file or directory");
        EXPECT_EQ(e.code(), berth::Errc::not_found);
    }
}

TEST_F(CgroupV2Fake, RejectsBadUnifiedKeysAndRealtime) {
    create_with_files({"memory.high"});
    Resources r;
    r.unified["../../memory.high"] = "1";
    EXPECT_THROW(cgroup_->apply(r), berth::Error);
    EXPECT_FALSE(berth::path_exists(root_ + "/memory.high"));
    Resources rt;
    rt.cpu.realtime_runtime = 1000;
    try {
        cgroup_->apply(rt);
        FAIL() << "realtime accepted on v2";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
    }
}

TEST_F(CgroupV2Fake, DevicesOnAFakeTreeBuildButDoNotAttach) {
    create_with_files({});
    Resources r;
    r.devices = {{false, 'a', {}, {}, "rwm"}, {true, 'c', 1, 3, "rwm"}};
    EXPECT_NO_THROW(cgroup_->apply(r));
    r.devices = {{true, 'x', {}, {}, "rwm"}};
    EXPECT_THROW(cgroup_->apply(r), berth::Error);
}

TEST_F(CgroupV2Fake, FreezeThawAndFrozen) {
    create_with_files({"cgroup.freeze"});
    cgroup_->freeze();  // no cgroup.events: nothing to wait for
    EXPECT_EQ(read("berth/c1/cgroup.freeze"), "1");
    EXPECT_TRUE(cgroup_->frozen());
    cgroup_->thaw();
    EXPECT_EQ(read("berth/c1/cgroup.freeze"), "0");
    EXPECT_FALSE(cgroup_->frozen());
    // With cgroup.events, frozen() believes it over cgroup.freeze.
    write("berth/c1/cgroup.events", "populated 1\nfrozen 1\n");
    EXPECT_TRUE(cgroup_->frozen());
    cgroup_->freeze();
    EXPECT_EQ(read("berth/c1/cgroup.freeze"), "1");
}

TEST_F(CgroupV2Fake, FreezeGivesUpWhenEventsNeverSayFrozen) {
    create_with_files({"cgroup.freeze"});
    write("berth/c1/cgroup.events", "populated 1\nfrozen 0\n");
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(cgroup_->freeze(), berth::Error);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, std::chrono::seconds(4));
    EXPECT_EQ(read("berth/c1/cgroup.freeze"), "0");  // thawed again
}

TEST_F(CgroupV2Fake, StatsFromFakeFiles) {
    cgroup_->create();
    write("berth/c1/cpu.stat",
          "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled "
          "2\nthrottled_usec 30\n");
    write("berth/c1/memory.current", "4096\n");
    write("berth/c1/memory.max", "max\n");
    write("berth/c1/memory.stat", "anon 1024\nfile 2048\n");
    write("berth/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 0\n");
    write("berth/c1/pids.current", "2\n");
    write("berth/c1/pids.max", "10\n");
    write("berth/c1/io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
    write("berth/c1/hugetlb.2MB.current", "0\n");
    write("berth/c1/hugetlb.2MB.max", "max\n");
    write("berth/c1/hugetlb.2MB.events", "max 5\n");
    write("berth/c1/hugetlb.2MB.rsvd.current", "0\n");
    auto s = cgroup_->stats();
    EXPECT_EQ(s["cpu"]["usage"]["total"], 1500000u);
    EXPECT_EQ(s["cpu"]["usage"]["user"], 1000000u);
    EXPECT_EQ(s["cpu"]["usage"]["kernel"], 500000u);
    EXPECT_EQ(s["cpu"]["throttling"]["periods"], 7u);
    EXPECT_EQ(s["cpu"]["throttling"]["throttledPeriods"], 2u);
    EXPECT_EQ(s["cpu"]["throttling"]["throttledTime"], 30000u);
    EXPECT_EQ(s["memory"]["usage"]["usage"], 4096u);
    EXPECT_EQ(s["memory"]["usage"]["limit"], UINT64_MAX);
    EXPECT_EQ(s["memory"]["usage"]["failcnt"], 3u);
    EXPECT_FALSE(s["memory"].contains("swap"));  // no swap files: no field
    EXPECT_EQ(s["memory"]["raw"]["file"], 2048u);
    EXPECT_EQ(s["memory"]["cache"], 2048u);
    EXPECT_EQ(s["pids"]["current"], 2u);
    EXPECT_EQ(s["pids"]["limit"], 10u);
    ASSERT_EQ(s["blkio"]["ioServiceBytesRecursive"].size(), 2u);
    EXPECT_EQ(s["blkio"]["ioServiceBytesRecursive"][1],
              (berth::Json{{"major", 8}, {"minor", 0}, {"op", "Write"}, {"value", 200}}));
    EXPECT_EQ(s["blkio"]["ioServicedRecursive"][0]["value"], 1u);
    ASSERT_TRUE(s["hugetlb"].contains("2MB"));
    EXPECT_EQ(s["hugetlb"].size(), 1u);  // not "2MB.rsvd"
    EXPECT_EQ(s["hugetlb"]["2MB"]["failcnt"], 5u);
}

TEST_F(CgroupV2Fake, StatsOfAnEmptyCgroupHaveNoFields) {
    cgroup_->create();
    EXPECT_EQ(cgroup_->stats(), berth::Json::object());
}

TEST_F(CgroupV2Fake, AddProcessAndRecursivePids) {
    create_with_files({"cgroup.procs"});
    cgroup_->add_process(1234);
    EXPECT_EQ(read("berth/c1/cgroup.procs"), "1234");
    berth::mkdir_all(root_ + "/berth/c1/sub");
    write("berth/c1/sub/cgroup.procs", "5\n6\n");
    auto pids = cgroup_->pids();
    std::sort(pids.begin(), pids.end());
    EXPECT_EQ(pids, (std::vector<pid_t>{5, 6, 1234}));
}

TEST_F(CgroupV2Fake, DestroyRemovesLeafAndSubdirsButNotParents) {
    cgroup_->create();
    berth::mkdir_all(root_ + "/berth/c1/a/b");
    cgroup_->destroy();
    EXPECT_FALSE(berth::path_exists(root_ + "/berth/c1"));
    EXPECT_TRUE(berth::path_exists(root_ + "/berth"));
    EXPECT_NO_THROW(cgroup_->destroy());  // missing is fine
}

TEST_F(CgroupV2Fake, DestroyNeverUnlinksFiles) {
    create_with_files({"memory.max"});
    EXPECT_THROW(cgroup_->destroy(), berth::Error);  // rmdir: not empty
    EXPECT_TRUE(berth::path_exists(root_ + "/berth/c1/memory.max"));
}
