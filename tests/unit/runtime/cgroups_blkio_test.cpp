// Block I/O on fake cgroup trees: what probe_blkio finds on v1, hybrid and v2 hosts, and the v2
// files (io.weight / io.bfq.weight with per-device lines, io.max) the engine's options reach.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "common/file_util.hpp"
#include "runtime/cgroups/blkio_support.hpp"
#include "runtime/cgroups/cgroup_path.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v2.hpp"

namespace cg = berth::runtime::cgroups;
using berth::runtime::Resources;

namespace {

class BlkioFake : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-cgroup-blkio-XXXXXX";
        root_ = ::mkdtemp(tmpl);
    }
    void TearDown() override { berth::remove_all(root_); }

    void write(const std::string& rel, const std::string& content) {
        auto slash = rel.rfind('/');
        if (slash != std::string::npos) berth::mkdir_all(root_ + "/" + rel.substr(0, slash));
        std::ofstream(root_ + "/" + rel) << content;
    }
    std::string read(const std::string& rel) {
        auto text = berth::read_file_if_exists(root_ + "/" + rel);
        return text ? *text : "<missing>";
    }
    cg::BlkioSupport probe() { return cg::probe_blkio(cg::discover(root_)); }

    // A v2 tree with the io controller; the container's leaf gets the files the kernel makes.
    std::unique_ptr<cg::Cgroup> v2_container(std::initializer_list<const char*> leaf_files) {
        write("cgroup.controllers", "cpu io memory pids\n");
        write("cgroup.subtree_control", "");
        write("berth/cgroup.controllers", "cpu io memory pids\n");
        write("berth/cgroup.subtree_control", "");
        auto cgroup = cg::open_layout(cg::discover(root_), "", "c1", "0::/\n");
        cgroup->create();
        for (const char* f : leaf_files) write(std::string("berth/c1/") + f, "");
        return cgroup;
    }

    std::string root_;
};

}  // namespace

// This host's shape: mq-deadline, no CFQ/BFQ, so only the throttle files exist.
TEST_F(BlkioFake, V1WithThrottlesOnly) {
    write("blkio/blkio.throttle.read_bps_device", "");
    write("blkio/blkio.throttle.write_bps_device", "");
    write("blkio/blkio.throttle.read_iops_device", "");
    write("blkio/blkio.throttle.write_iops_device", "");
    auto s = probe();
    EXPECT_FALSE(s.weight);
    EXPECT_FALSE(s.weight_device);
    EXPECT_TRUE(s.read_bps && s.write_bps && s.read_iops && s.write_iops);
    EXPECT_FALSE(s.v2);
    // dockerd says nothing of the weight on v1: nothing a user can do about a missing CFQ.
    EXPECT_TRUE(cg::blkio_info_warnings(s).empty());
}

TEST_F(BlkioFake, V1BfqWeightCounts) {
    write("blkio/blkio.bfq.weight", "100\n");
    write("blkio/blkio.bfq.weight_device", "");
    auto s = probe();
    EXPECT_TRUE(s.weight);
    EXPECT_TRUE(s.weight_device);
    EXPECT_FALSE(s.read_bps);
    auto w = cg::blkio_info_warnings(s);
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0], "WARNING: No blkio throttle.read_bps_device support");
    EXPECT_EQ(w[3], "WARNING: No blkio throttle.write_iops_device support");
}

// Hybrid without a blkio hierarchy: the unified io controller is not where v1 code writes.
TEST_F(BlkioFake, HybridWithoutBlkioHierarchyHasNothing) {
    write("memory/memory.limit_in_bytes", "");
    write("unified/cgroup.controllers", "io\n");
    auto s = probe();
    EXPECT_FALSE(s.weight || s.weight_device || s.read_bps || s.write_bps || s.read_iops ||
                 s.write_iops);
    EXPECT_EQ(cg::blkio_info_warnings(s).size(), 4u);
}

TEST_F(BlkioFake, V2WithoutIoController) {
    write("cgroup.controllers", "cpu memory pids\n");
    write("system.slice/io.weight", "default 100\n");
    auto s = probe();
    EXPECT_FALSE(s.weight || s.read_bps || s.write_iops);
    auto w = cg::blkio_info_warnings(s);
    ASSERT_EQ(w.size(), 6u);
    EXPECT_EQ(w[0], "WARNING: No io.weight support");
    EXPECT_EQ(w[1], "WARNING: No io.weight (per device) support");
    EXPECT_EQ(w[2], "WARNING: No io.max (rbps) support");
    EXPECT_EQ(w[5], "WARNING: No io.max (wiops) support");
}

TEST_F(BlkioFake, V2ThrottlesAlwaysWeightOnlyWithAWeightFile) {
    write("cgroup.controllers", "cpu io memory pids\n");
    write("system.slice/io.max", "");
    auto s = probe();
    EXPECT_TRUE(s.read_bps && s.write_bps && s.read_iops && s.write_iops);
    EXPECT_FALSE(s.weight);  // no blk-iocost, no BFQ: no io.weight anywhere
    EXPECT_FALSE(s.weight_device);
    EXPECT_EQ(cg::blkio_info_warnings(s),
              (std::vector<std::string>{"WARNING: No io.weight support",
                                        "WARNING: No io.weight (per device) support"}));
    write("system.slice/io.bfq.weight", "default 100\n");
    s = probe();
    EXPECT_TRUE(s.weight);
    EXPECT_TRUE(s.weight_device);
}

// io.weight: the default converted to 1..10000, then one "major:minor weight" line a device.
TEST_F(BlkioFake, V2IoWeightAndDeviceWeights) {
    auto cgroup = v2_container({"io.weight", "io.max"});
    Resources r;
    r.block_io.weight = 10;
    r.block_io.weight_device = {{8, 0, 1000, std::nullopt}, {253, 1, 505, std::nullopt}};
    cgroup->apply(r);
    // 10 -> 1, 1000 -> 10000, 505 -> 1 + 495*9999/990 = 5000
    EXPECT_EQ(read("berth/c1/io.weight"), "1\n8:0 10000\n253:1 5000\n");
    EXPECT_EQ(read("berth/c1/io.max"), "");
}

// BFQ takes Docker's 10..1000 range unconverted, in io.bfq.weight.
TEST_F(BlkioFake, V2BfqWeightUnconverted) {
    auto cgroup = v2_container({"io.bfq.weight", "io.weight", "io.max"});
    Resources r;
    r.block_io.weight = 300;
    r.block_io.weight_device = {{8, 0, 700, std::nullopt}};
    cgroup->apply(r);
    EXPECT_EQ(read("berth/c1/io.bfq.weight"), "300\n8:0 700\n");
    EXPECT_EQ(read("berth/c1/io.weight"), "");
}

// All four throttles of one device are one io.max line (one write = one command).
TEST_F(BlkioFake, V2ThrottlesOneLineADevice) {
    auto cgroup = v2_container({"io.weight", "io.max"});
    Resources r;
    r.block_io.throttle_read_bps_device = {{254, 0, 1048576}};
    r.block_io.throttle_write_bps_device = {{254, 0, 2097152}};
    r.block_io.throttle_read_iops_device = {{254, 0, 100}};
    r.block_io.throttle_write_iops_device = {{254, 0, 50}, {7, 3, 10}};
    cgroup->apply(r);
    EXPECT_EQ(read("berth/c1/io.max"),
              "7:3 wiops=10\n254:0 rbps=1048576 wbps=2097152 riops=100 wiops=50\n");
    EXPECT_EQ(read("berth/c1/io.weight"), "");
}
