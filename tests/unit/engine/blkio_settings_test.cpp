// Block I/O options between a HostConfig and linux.resources.blockIO: dockerd's discards and
// warnings for what a host lacks, and device paths resolved to major:minor.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/blkio_settings.hpp"
#include "engine/oci_config.hpp"

using namespace berth;
using namespace berth::engine;
namespace cg = berth::runtime::cgroups;

namespace {

Json all_options(const std::string& dev) {
    Json one = Json::array({{{"Path", dev}, {"Rate", 1048576}}});
    return {{"BlkioWeight", 300},
            {"BlkioWeightDevice", Json::array({{{"Path", dev}, {"Weight", 500}}})},
            {"BlkioDeviceReadBps", one},
            {"BlkioDeviceWriteBps", one},
            {"BlkioDeviceReadIOps", one},
            {"BlkioDeviceWriteIOps", one}};
}

// A block device node of our own (root only): 7:200, which need not exist for stat to work.
class BlockNode : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "mknod needs root";
        char tmpl[] = "/tmp/berth-blkio-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        dev_ = dir_ + "/blk";
        ASSERT_EQ(::mknod(dev_.c_str(), S_IFBLK | 0600, makedev(7, 200)), 0);
    }
    void TearDown() override {
        if (!dir_.empty()) remove_all(dir_);
    }
    std::string dir_, dev_;
};

}  // namespace

TEST(BlkioDiscard, NothingSupportedDropsAllWithDockerdsWordsInItsOrder) {
    Json r = all_options("/dev/vda");
    auto w = discard_unsupported_blkio(r, cg::BlkioSupport{});
    ASSERT_EQ(w.size(), 6u);
    EXPECT_EQ(w[0],
              "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight "
              "discarded.");
    EXPECT_EQ(w[1],
              "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. "
              "Weight-device "
              "discarded.");
    EXPECT_EQ(w[2],
              "Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. "
              "Block I/O BPS read "
              "limit discarded.");
    EXPECT_EQ(w[5],
              "Your kernel does not support IOPS Block write limit or the cgroup is not mounted. "
              "Block I/O IOPS write "
              "limit discarded.");
    EXPECT_EQ(r["BlkioWeight"], 0);
    for (const char* k : kBlkioDeviceKeys) EXPECT_EQ(r[k], Json::array()) << k;
    // Nothing left to say a second time (start re-checks what create kept).
    EXPECT_TRUE(discard_unsupported_blkio(r, cg::BlkioSupport{}).empty());
}

TEST(BlkioDiscard, ThrottlesOnlyHostKeepsThrottles) {
    cg::BlkioSupport host;
    host.read_bps = host.write_bps = host.read_iops = host.write_iops = true;
    Json r = all_options("/dev/vda");
    auto w = discard_unsupported_blkio(r, host);
    ASSERT_EQ(w.size(), 2u);
    EXPECT_EQ(r["BlkioWeight"], 0);
    EXPECT_EQ(r["BlkioWeightDevice"], Json::array());
    EXPECT_EQ(r["BlkioDeviceWriteBps"].size(), 1u);
}

TEST(BlkioDiscard, UnsetOptionsSayNothing) {
    Json r = {{"BlkioWeight", 0},
              {"BlkioDeviceWriteBps", nullptr},
              {"BlkioDeviceReadBps", Json::array()}};
    EXPECT_TRUE(discard_unsupported_blkio(r, cg::BlkioSupport{}).empty());
}

TEST_F(BlockNode, DevicesResolveToMajorMinor) {
    Json b = oci_block_io(all_options(dev_));
    EXPECT_EQ(b["weight"], 300);
    EXPECT_EQ(b["weightDevice"], Json::parse(R"([{"major":7,"minor":200,"weight":500}])"));
    Json t = Json::parse(R"([{"major":7,"minor":200,"rate":1048576}])");
    EXPECT_EQ(b["throttleReadBpsDevice"], t);
    EXPECT_EQ(b["throttleWriteBpsDevice"], t);
    EXPECT_EQ(b["throttleReadIOPSDevice"], t);
    EXPECT_EQ(b["throttleWriteIOPSDevice"], t);
    // oci_resources puts it under blockIO.
    EXPECT_EQ(oci_resources(all_options(dev_))["blockIO"], b);
}

TEST_F(BlockNode, MissingOrNonBlockPathsAreInvalidArgument) {
    auto message = [](const std::string& path) {
        try {
            oci_block_io({{"BlkioDeviceWriteBps", Json::array({{{"Path", path}, {"Rate", 1}}})}});
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::invalid_argument);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message(dir_ + "/nope"), "stat " + dir_ + "/nope: no such file or directory");
    EXPECT_EQ(message(dir_), "invalid device path " + dir_ + ": not a block device");
}

// An update whose list no longer names a device lifts that device's limit (rate 0).
TEST_F(BlockNode, DroppedThrottleDevicesGetRateZero) {
    Json old_hc = all_options(dev_);
    old_hc["BlkioDeviceReadBps"].push_back({{"Path", dir_ + "/gone"}, {"Rate", 5}});  // skipped
    Json new_hc = {{"BlkioDeviceWriteBps", Json::array({{{"Path", dev_}, {"Rate", 4096}}})}};
    Json b = oci_block_io(new_hc);
    lift_dropped_throttles(old_hc, b);
    EXPECT_EQ(b["throttleWriteBpsDevice"], Json::parse(R"([{"major":7,"minor":200,"rate":4096}])"));
    Json lifted = Json::parse(R"([{"major":7,"minor":200,"rate":0}])");
    EXPECT_EQ(b["throttleReadBpsDevice"], lifted);
    EXPECT_EQ(b["throttleReadIOPSDevice"], lifted);
    EXPECT_EQ(b["throttleWriteIOPSDevice"], lifted);
}

TEST(BlkioOci, NothingSetIsNoBlockIo) {
    EXPECT_TRUE(oci_block_io(Json::object()).empty());
    EXPECT_FALSE(oci_resources(Json::object()).contains("blockIO"));
}
