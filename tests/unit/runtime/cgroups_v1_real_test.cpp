// cgroup v1 (and hybrid) on this host's real /sys/fs/cgroup: a cgroup with limits, a child
// process in it, freeze/thaw, stats, and nothing left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v1.hpp"

namespace cg = berth::runtime::cgroups;
using berth::runtime::DeviceRule;
using berth::runtime::Resources;

namespace {

std::string random_name() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
}

std::string read_trimmed(const std::string& path) {
    auto text = berth::read_file_if_exists(path);
    if (!text) return "<missing>";
    while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
    return *text;
}

class CgroupV1Real : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        if (!berth::path_exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
            GTEST_SKIP() << "no cgroup v1 memory";
        layout_ = cg::discover("/sys/fs/cgroup");
        ASSERT_NE(layout_.mode, cg::Mode::v2);
        parent_ = "/berth-test-" + std::to_string(::getpid());
        path_ = parent_ + "/" + random_name();
        cgroup_ = cg::open(cg::detect(), path_, "unused");
        v1_ = dynamic_cast<cg::V1Cgroup*>(cgroup_.get());
        ASSERT_NE(v1_, nullptr);
    }

    // Every directory the test may have made: the leaf and the parent, in each hierarchy.
    std::vector<std::string> all_dirs(const std::string& rel) const {
        std::vector<std::string> dirs;
        for (const auto& h : layout_.v1) dirs.push_back(h.mount + rel);
        if (!layout_.unified.empty()) dirs.push_back(layout_.unified + rel);
        return dirs;
    }

    void TearDown() override {
        if (!cgroup_) return;
        if (child_ > 0) {
            try {
                cgroup_->thaw();  // a frozen task does not die until thawed
            } catch (...) {
            }
            ::kill(child_, SIGKILL);
            ::waitpid(child_, nullptr, 0);
        }
        try {
            cgroup_->destroy();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "destroy: " << e.what();
        }
        for (const auto& dir : all_dirs(parent_))
            ::rmdir(dir.c_str());  // parents are the test's to remove
        for (const auto& dir : all_dirs(path_))
            EXPECT_FALSE(berth::path_exists(dir)) << dir << " left behind";
        for (const auto& dir : all_dirs(parent_))
            EXPECT_FALSE(berth::path_exists(dir)) << dir << " left behind";
    }

    // A child that, once told to go, touches 4 MiB (charged to the cgroup it is in by then:
    // v1 does not move earlier charges along) and sleeps.
    pid_t spawn_sleeper() {
        if (::pipe(go_) != 0) return -1;
        pid_t pid = ::fork();
        if (pid == 0) {
            char c;
            ::close(go_[1]);
            if (::read(go_[0], &c, 1) == 1) {
                void* mem = ::mmap(nullptr, 4 << 20, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (mem != MAP_FAILED) std::memset(mem, 1, 4 << 20);
            }
            for (;;) ::pause();
        }
        ::close(go_[0]);
        return pid;
    }
    void go() {
        EXPECT_EQ(::write(go_[1], "x", 1), 1);
        ::close(go_[1]);
    }

    cg::Layout layout_;
    std::string parent_, path_;
    std::unique_ptr<cg::Cgroup> cgroup_;
    cg::V1Cgroup* v1_ = nullptr;
    pid_t child_ = -1;
    int go_[2] = {-1, -1};
};

}  // namespace

TEST_F(CgroupV1Real, LimitsProcessFreezeStatsAndDestroy) {
    cgroup_->create();
    for (const auto& dir : all_dirs(path_)) EXPECT_TRUE(berth::path_exists(dir)) << dir;
    const std::string mem = *v1_->dir_of("memory");
    EXPECT_EQ(mem, "/sys/fs/cgroup/memory" + path_);
    if (const auto* cpuset = v1_->dir_of("cpuset")) {
        EXPECT_EQ(read_trimmed(*cpuset + "/cpuset.cpus"),
                  read_trimmed("/sys/fs/cgroup/cpuset/cpuset.cpus"));
        EXPECT_NE(read_trimmed(*cpuset + "/cpuset.mems"), "");
    }

    bool memsw = berth::path_exists(mem + "/memory.memsw.limit_in_bytes");
    Resources r;
    r.memory.limit = 64 << 20;
    if (memsw) r.memory.swap = 128 << 20;
    r.pids_limit = 10;
    r.cpu.shares = 512;
    r.devices = {{false, 'a', {}, {}, "rwm"},
                 {true, 'c', 1, 3, "rwm"},
                 {true, 'c', 1, 5, "rwm"},
                 {false, 'c', 1, 5, "w"}};
    cgroup_->apply(r);
    EXPECT_EQ(read_trimmed(mem + "/memory.limit_in_bytes"), std::to_string(64 << 20));
    if (memsw) {
        EXPECT_EQ(read_trimmed(mem + "/memory.memsw.limit_in_bytes"), std::to_string(128 << 20));
    }
    EXPECT_EQ(read_trimmed(*v1_->dir_of("pids") + "/pids.max"), "10");
    EXPECT_EQ(read_trimmed(*v1_->dir_of("cpu") + "/cpu.shares"), "512");
    EXPECT_EQ(read_trimmed(*v1_->dir_of("devices") + "/devices.list"), "c 1:3 rwm\nc 1:5 rm");

    if (memsw) {
        // Raising and then lowering both limits needs opposite write orders.
        r = Resources{};
        r.memory.limit = 256 << 20;
        r.memory.swap = 512 << 20;
        ASSERT_NO_THROW(cgroup_->apply(r));
        EXPECT_EQ(read_trimmed(mem + "/memory.memsw.limit_in_bytes"), std::to_string(512 << 20));
        r.memory.limit = 32 << 20;
        r.memory.swap = 48 << 20;
        ASSERT_NO_THROW(cgroup_->apply(r));
        EXPECT_EQ(read_trimmed(mem + "/memory.limit_in_bytes"), std::to_string(32 << 20));
        EXPECT_EQ(read_trimmed(mem + "/memory.memsw.limit_in_bytes"), std::to_string(48 << 20));
    }
    // On hybrid hosts whose hugetlb lives only in cgroup2, the limit goes there.
    if (!v1_->dir_of("hugetlb") && v1_->unified_dir_with("hugetlb") &&
        berth::path_exists(*v1_->unified_dir_with("hugetlb") + "/hugetlb.2MB.max")) {
        Resources h;
        h.hugepage_limits = {{"2MB", 4 << 20}};
        cgroup_->apply(h);
        EXPECT_EQ(read_trimmed(*v1_->unified_dir_with("hugetlb") + "/hugetlb.2MB.max"),
                  std::to_string(4 << 20));
    }

    child_ = spawn_sleeper();
    ASSERT_GT(child_, 0);
    cgroup_->add_process(child_);
    go();
    auto pids = cgroup_->pids();
    EXPECT_NE(std::find(pids.begin(), pids.end(), child_), pids.end());
    auto proc_cgroup = berth::read_file("/proc/" + std::to_string(child_) + "/cgroup");
    EXPECT_NE(proc_cgroup.find(":memory:" + path_ + "\n"), std::string::npos) << proc_cgroup;
    EXPECT_NE(proc_cgroup.find(":freezer:" + path_ + "\n"), std::string::npos) << proc_cgroup;

    cgroup_->freeze();
    EXPECT_TRUE(cgroup_->frozen());
    EXPECT_EQ(read_trimmed(*v1_->dir_of("freezer") + "/freezer.state"), "FROZEN");
    EXPECT_TRUE(berth::path_exists("/proc/" + std::to_string(child_) + "/status"));
    cgroup_->thaw();
    EXPECT_FALSE(cgroup_->frozen());

    auto stats = cgroup_->stats();
    for (int i = 0; i < 100 && stats["memory"]["usage"].value("usage", uint64_t(0)) < (4u << 20);
         ++i) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(10));  // the child may still be touching pages
        stats = cgroup_->stats();
    }
    EXPECT_EQ(stats["pids"]["current"], 1u) << stats.dump();
    EXPECT_EQ(stats["pids"]["limit"], 10u);
    EXPECT_EQ(stats["memory"]["usage"]["limit"], memsw ? uint64_t(32 << 20) : uint64_t(64 << 20));
    EXPECT_GE(stats["memory"]["usage"]["usage"].get<uint64_t>(), 4u << 20) << stats.dump();
    EXPECT_TRUE(stats["memory"]["raw"].contains("rss") || stats["memory"]["raw"].contains("anon"))
        << stats.dump();
    EXPECT_TRUE(stats["cpu"]["usage"].contains("total")) << stats.dump();

    // Destroy right after the kill: the cgroup stays busy until the task is gone.
    ASSERT_EQ(::kill(child_, SIGKILL), 0);
    cgroup_->destroy();
    int status = 0;
    EXPECT_EQ(::waitpid(child_, &status, 0), child_);
    child_ = -1;
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    for (const auto& dir : all_dirs(path_)) EXPECT_FALSE(berth::path_exists(dir)) << dir;
}

TEST_F(CgroupV1Real, ErrorsNameTheRealFile) {
    cgroup_->create();
    Resources r;
    r.cpu.shares = 512;
    r.cpu.realtime_runtime = 999999999;  // above the period: the kernel refuses it
    try {
        cgroup_->apply(r);
        FAIL() << "rt runtime accepted";
    } catch (const berth::Error& e) {
        std::string expected =
            "cgroup: write 999999999 to " + *v1_->dir_of("cpu") + "/cpu.rt_runtime_us: ";
        EXPECT_EQ(std::string(e.what()).substr(0, expected.size()), expected) << e.what();
    }
}
