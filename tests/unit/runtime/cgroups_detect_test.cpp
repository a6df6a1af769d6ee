// Detection of v1/v2/hybrid hosts and linux.cgroupsPath resolution.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_path.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v1.hpp"
#include "runtime/cgroups/v2.hpp"

namespace cg = berth::runtime::cgroups;

namespace {

class TempTree {
  public:
    TempTree() {
        char tmpl[] = "/tmp/berth-cgroup-test-XXXXXX";
        root_ = ::mkdtemp(tmpl);
    }
    ~TempTree() { berth::remove_all(root_); }
    const std::string& root() const { return root_; }
    void mkdir(const std::string& rel) { berth::mkdir_all(root_ + "/" + rel); }
    void write(const std::string& rel, const std::string& content) {
        std::ofstream(root_ + "/" + rel) << content;
    }

  private:
    std::string root_;
};

// This host's mountinfo, trimmed: cpu and cpuacct mounted apart, cgroup2 at unified.
const char* kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 23 0:40 / /proc rw - proc proc rw\n";

}  // namespace

TEST(CgroupDetect, FakeV2TreeFromCgroupControllers) {
    TempTree t;
    t.write("cgroup.controllers", "cpu memory pids\n");
    auto host = cg::detect(t.root());
    EXPECT_EQ(host.mode, cg::Mode::v2);
    EXPECT_EQ(host.root, t.root());
    auto layout = cg::discover(t.root());
    EXPECT_TRUE(layout.fake);
    EXPECT_EQ(layout.unified, t.root());
}

TEST(CgroupDetect, FakeV1TreeFromControllerDirs) {
    TempTree t;
    t.mkdir("memory");
    t.mkdir("cpu,cpuacct");
    t.mkdir("systemd");
    t.mkdir("not-a-controller");
    ASSERT_EQ(::symlink("cpu,cpuacct", (t.root() + "/cpu").c_str()), 0);
    auto layout = cg::discover(t.root());
    EXPECT_EQ(layout.mode, cg::Mode::v1);
    ASSERT_EQ(layout.v1.size(), 3u);
    const auto* cpu = layout.find("cpuacct");
    ASSERT_NE(cpu, nullptr);
    EXPECT_EQ(cpu->mount, t.root() + "/cpu,cpuacct");
    EXPECT_TRUE(cpu->has("cpu"));
    ASSERT_NE(layout.find("name=systemd"), nullptr);
    EXPECT_EQ(layout.find("name=systemd")->mount, t.root() + "/systemd");
    EXPECT_EQ(layout.find("pids"), nullptr);
    EXPECT_TRUE(layout.unified.empty());
}

TEST(CgroupDetect, FakeHybridTreeFromUnifiedControllers) {
    TempTree t;
    t.mkdir("memory");
    t.mkdir("unified");
    t.write("unified/cgroup.controllers", "hugetlb\n");
    auto layout = cg::discover(t.root());
    EXPECT_EQ(layout.mode, cg::Mode::hybrid);
    EXPECT_EQ(layout.unified, t.root() + "/unified");
    EXPECT_EQ(cg::detect(t.root()).mode, cg::Mode::hybrid);
}

TEST(CgroupDetect, EmptyTreeIsNotFound) {
    TempTree t;
    try {
        cg::detect(t.root());
        FAIL() << "expected an error";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::not_found);
        EXPECT_NE(std::string(e.what()).find(t.root()), std::string::npos);
    }
}

TEST(CgroupDetect, MountinfoHybridWithSeparateCpuAndCpuacct) {
    auto layout = cg::discover_from_mountinfo("/sys/fs/cgroup/", kHybridMountinfo);
    EXPECT_EQ(layout.mode, cg::Mode::hybrid);
    EXPECT_FALSE(layout.fake);
    EXPECT_EQ(layout.unified, "/sys/fs/cgroup/unified");
    ASSERT_EQ(layout.v1.size(), 4u);
    ASSERT_NE(layout.find("cpu"), nullptr);
    ASSERT_NE(layout.find("cpuacct"), nullptr);
    EXPECT_EQ(layout.find("cpu")->mount, "/sys/fs/cgroup/cpu");
    EXPECT_EQ(layout.find("cpuacct")->mount, "/sys/fs/cgroup/cpuacct");
    EXPECT_EQ(layout.find("cpu")->controllers, std::vector<std::string>{"cpu"});
    ASSERT_NE(layout.find("name=systemd"), nullptr);
    EXPECT_EQ(layout.find("name=systemd")->controllers, std::vector<std::string>{"name=systemd"});
}

TEST(CgroupDetect, MountinfoCoMountedAndEscapedAndNamespaced) {
    const char* text =
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "33 31 0:30 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        "34 31 0:31 / /sys/fs/cgroup/net\\040cls rw - cgroup cgroup rw,net_cls,net_prio\n"
        "35 31 0:32 / /elsewhere/blkio rw - cgroup cgroup rw,blkio\n";
    auto layout = cg::discover_from_mountinfo("/sys/fs/cgroup", text);
    EXPECT_EQ(layout.mode, cg::Mode::v1);
    ASSERT_EQ(layout.v1.size(), 3u);
    EXPECT_EQ(layout.find("cpu"), layout.find("cpuacct"));
    EXPECT_EQ(layout.find("cpu")->mount, "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(layout.find("memory")->mount_root, "/docker/abc");
    EXPECT_EQ(layout.find("net_prio")->mount, "/sys/fs/cgroup/net cls");
    EXPECT_EQ(layout.find("blkio"), nullptr);
}

TEST(CgroupDetect, MountinfoPureV2) {
    auto layout = cg::discover_from_mountinfo(
        "/sys/fs/cgroup", "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n");
    EXPECT_EQ(layout.mode, cg::Mode::v2);
    EXPECT_EQ(layout.unified, "/sys/fs/cgroup");
    EXPECT_TRUE(layout.v1.empty());
}

TEST(CgroupDetect, RealHostMatchesItsMounts) {
    if (!berth::path_exists("/sys/fs/cgroup")) GTEST_SKIP() << "no /sys/fs/cgroup";
    auto host = cg::detect();
    cg::Mode expected = berth::path_exists("/sys/fs/cgroup/cgroup.controllers") ? cg::Mode::v2
                        : berth::path_exists("/sys/fs/cgroup/unified/cgroup.controllers")
                            ? cg::Mode::hybrid
                            : cg::Mode::v1;
    EXPECT_EQ(host.mode, expected);
    if (expected != cg::Mode::v2) {
        auto layout = cg::discover("/sys/fs/cgroup");
        EXPECT_FALSE(layout.fake);
        if (berth::path_exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            ASSERT_NE(layout.find("memory"), nullptr);
            EXPECT_EQ(layout.find("memory")->mount, "/sys/fs/cgroup/memory");
        }
    }
}

TEST(CgroupPath, EmptyMeansBerthAndId) {
    auto p = cg::parse_cgroups_path("", "abc");
    EXPECT_EQ(p.path, "/berth/abc");
    EXPECT_FALSE(p.relative);
}

TEST(CgroupPath, NormalizesAndRejectsDotDot) {
    EXPECT_EQ(cg::parse_cgroups_path("//a/./b/", "x").path, "/a/b");
    EXPECT_EQ(cg::parse_cgroups_path("a/b", "x").path, "a/b");
    EXPECT_TRUE(cg::parse_cgroups_path("a/b", "x").relative);
    for (const char* bad : {"/a/../b", "..", "a/..", "/"}) {
        try {
            cg::parse_cgroups_path(bad, "x");
            FAIL() << bad << " accepted";
        } catch (const berth::Error& e) {
            EXPECT_EQ(e.code(), berth::Errc::invalid_argument) << bad;
        }
    }
}

TEST(CgroupPath, SystemdFormIsRejectedWithAClearMessage) {
    try {
        cg::parse_cgroups_path("system.slice:berth:abc", "abc");
        FAIL() << "accepted";
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("systemd"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("system.slice:berth:abc"), std::string::npos)
            << e.what();
    }
}

TEST(CgroupPath, OwnCgroupPerHierarchy) {
    const char* self =
        "9:name=systemd:/user.slice\n"
        "4:memory:/process_api/4a14\n"
        "2:cpu,cpuacct:/grp\n"
        "0::/unified/me\n";
    EXPECT_EQ(cg::own_cgroup(self, {"memory"}), "/process_api/4a14");
    EXPECT_EQ(cg::own_cgroup(self, {"cpuacct"}), "/grp");
    EXPECT_EQ(cg::own_cgroup(self, {"cpu", "cpuacct"}), "/grp");
    EXPECT_EQ(cg::own_cgroup(self, {"name=systemd"}), "/user.slice");
    EXPECT_EQ(cg::own_cgroup(self, {}), "/unified/me");
    EXPECT_EQ(cg::own_cgroup(self, {"pids"}), "/");
}

TEST(CgroupPath, RelativeGoesBelowOwnCgroupAndStripsMountRoot) {
    cg::CgroupPath rel{"c/1", true};
    EXPECT_EQ(cg::path_in_hierarchy(rel, "/process_api/4a14", "/"), "/process_api/4a14/c/1");
    EXPECT_EQ(cg::path_in_hierarchy(rel, "/", "/"), "/c/1");
    EXPECT_EQ(cg::path_in_hierarchy(rel, "/docker/abc/sub", "/docker/abc"), "/sub/c/1");
    EXPECT_EQ(cg::path_in_hierarchy(rel, "/docker/abc", "/docker/abc"), "/c/1");
    cg::CgroupPath abs{"/x/y", false};
    EXPECT_EQ(cg::path_in_hierarchy(abs, "/process_api/4a14", "/"), "/x/y");
}

TEST(CgroupOpen, RelativePathPerV1HierarchyAndUnified) {
    TempTree t;
    t.mkdir("memory");
    t.mkdir("pids");
    t.mkdir("unified");
    t.write("unified/cgroup.controllers", "hugetlb\n");
    auto layout = cg::discover(t.root());
    const char* self = "8:pids:/\n4:memory:/api/p1\n0::/u\n";
    auto cgroup = cg::open_layout(layout, "ctr/1", "id", self);
    auto* v1 = dynamic_cast<cg::V1Cgroup*>(cgroup.get());
    ASSERT_NE(v1, nullptr);
    EXPECT_EQ(*v1->dir_of("memory"), t.root() + "/memory/api/p1/ctr/1");
    EXPECT_EQ(*v1->dir_of("pids"), t.root() + "/pids/ctr/1");
    EXPECT_EQ(v1->path(), "/api/p1/ctr/1");
    cgroup->create();
    EXPECT_TRUE(berth::path_exists(t.root() + "/unified/u/ctr/1"));
    EXPECT_TRUE(berth::path_exists(t.root() + "/memory/api/p1/ctr/1"));
}

TEST(CgroupOpen, V2UsesTheUnifiedRoot) {
    TempTree t;
    t.write("cgroup.controllers", "memory\n");
    auto cgroup = cg::open_layout(cg::discover(t.root()), "", "abc", "0::/\n");
    auto* v2 = dynamic_cast<cg::V2Cgroup*>(cgroup.get());
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->path(), "/berth/abc");
    EXPECT_EQ(v2->dir(), t.root() + "/berth/abc");
}
