// The cgroup v2 device filter: program shape, its meaning (run by a tiny interpreter of
// the few opcodes it uses), and on a real cgroup2 mount, what a process may open.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/layout.hpp"
#include "runtime/cgroups/v2.hpp"
#include "runtime/cgroups/v2_devices.hpp"

namespace cg = berth::runtime::cgroups;
using berth::runtime::DeviceRule;

namespace {

constexpr int R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;
constexpr int CHR = BPF_DEVCG_DEV_CHAR, BLK = BPF_DEVCG_DEV_BLOCK;

// Runs the program on one request; fails the test on an opcode it does not know.
int run(const std::vector<bpf_insn>& prog, int type, int access, uint32_t major, uint32_t minor) {
    uint64_t reg[11] = {};
    const uint32_t ctx[3] = {static_cast<uint32_t>(access << 16 | type), major, minor};
    size_t pc = 0;
    for (int steps = 0; steps < 10000 && pc < prog.size(); ++steps) {
        const bpf_insn& in = prog[pc++];
        uint64_t& dst = reg[in.dst_reg];
        uint32_t imm = static_cast<uint32_t>(in.imm);
        switch (in.code) {
            case BPF_LDX | BPF_MEM | BPF_W:
                EXPECT_EQ(in.src_reg, BPF_REG_1);
                dst = ctx[in.off / 4];
                break;
            case BPF_ALU | BPF_MOV | BPF_X:
                dst = static_cast<uint32_t>(reg[in.src_reg]);
                break;
            case BPF_ALU | BPF_MOV | BPF_K:
                dst = imm;
                break;
            case BPF_ALU | BPF_AND | BPF_K:
                dst = static_cast<uint32_t>(dst) & imm;
                break;
            case BPF_ALU | BPF_RSH | BPF_K:
                dst = static_cast<uint32_t>(dst) >> imm;
                break;
            case BPF_JMP | BPF_JNE | BPF_K:
                if (dst != static_cast<uint64_t>(static_cast<int64_t>(in.imm))) pc += in.off;
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                if (dst == static_cast<uint64_t>(static_cast<int64_t>(in.imm))) pc += in.off;
                break;
            case BPF_JMP | BPF_JA:
                pc += in.off;
                break;
            case BPF_JMP | BPF_EXIT:
                return static_cast<int>(reg[0]);
            default:
                ADD_FAILURE() << "unexpected opcode " << int(in.code);
                return -1;
        }
    }
    ADD_FAILURE() << "program ran off its end";
    return -1;
}

DeviceRule rule(bool allow, char type, std::optional<int64_t> major, std::optional<int64_t> minor,
                std::string access) {
    return DeviceRule{allow, type, major, minor, std::move(access)};
}

// Docker's defaults, trimmed, plus a later deny punching a hole in an allow.
std::vector<DeviceRule> docker_like() {
    return {rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', {}, {}, "m"),
            rule(true, 'b', {}, {}, "m"),    rule(true, 'c', 1, 3, "rwm"),
            rule(true, 'c', 1, 5, "rwm"),    rule(true, 'c', 136, {}, "rwm"),
            rule(false, 'c', 1, 3, "w")};
}

}  // namespace

TEST(CgroupDeviceProgram, ShapeAndSize) {
    auto prog =
        cg::build_device_program({rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 1, 3, "rwm")});
    // 6 to read the context; per bit: 3 to test it, 4 for the c 1:3 check and jump, 2 for
    // the unconditional deny that ends the bit; 2 for the final allow.
    ASSERT_EQ(prog.size(), 6u + 3 * (3 + 4 + 2) + 2);
    EXPECT_EQ(prog[0].code, BPF_LDX | BPF_MEM | BPF_W);
    EXPECT_EQ(prog[0].off, 0);
    EXPECT_EQ(prog[4].off, 4);  // major
    EXPECT_EQ(prog[5].off, 8);  // minor
    EXPECT_EQ(prog.back().code, BPF_JMP | BPF_EXIT);
    EXPECT_EQ(prog[prog.size() - 2].code, BPF_ALU | BPF_MOV | BPF_K);
    EXPECT_EQ(prog[prog.size() - 2].imm, 1);
    for (size_t i = 0; i < prog.size(); ++i) {
        if (BPF_CLASS(prog[i].code) == BPF_JMP && BPF_OP(prog[i].code) != BPF_EXIT) {
            int64_t target = static_cast<int64_t>(i) + 1 + prog[i].off;
            EXPECT_GT(target, static_cast<int64_t>(i)) << "backward jump at " << i;
            EXPECT_LT(target, static_cast<int64_t>(prog.size())) << "jump out at " << i;
        }
    }
}

TEST(CgroupDeviceProgram, ReplaysRulesLikeV1) {
    auto prog = cg::build_device_program(docker_like());
    EXPECT_EQ(run(prog, CHR, R, 1, 3), 1);
    EXPECT_EQ(run(prog, CHR, W, 1, 3), 0);      // the later deny wins for w
    EXPECT_EQ(run(prog, CHR, R | W, 1, 3), 0);  // every requested bit must be allowed
    EXPECT_EQ(run(prog, CHR, M, 1, 3), 1);
    EXPECT_EQ(run(prog, CHR, R | W, 1, 5), 1);
    EXPECT_EQ(run(prog, CHR, R, 1, 7), 0);
    EXPECT_EQ(run(prog, CHR, M, 10, 200), 1);  // c *:* m
    EXPECT_EQ(run(prog, BLK, M, 8, 0), 1);
    EXPECT_EQ(run(prog, BLK, R, 8, 0), 0);
    EXPECT_EQ(run(prog, BLK, R, 1, 3), 0);  // same numbers, other type
    EXPECT_EQ(run(prog, CHR, R | W, 136, 4), 1);
}

TEST(CgroupDeviceProgram, LaterRulesOverrideAndBitsMerge) {
    auto deny_after =
        cg::build_device_program({rule(true, 'c', 1, 3, "rwm"), rule(false, 'a', {}, {}, "rwm")});
    EXPECT_EQ(run(deny_after, CHR, R, 1, 3), 0);
    auto merged =
        cg::build_device_program({rule(true, 'c', 1, 3, "r"), rule(true, 'c', 1, 3, "w")});
    EXPECT_EQ(run(merged, CHR, R | W, 1, 3), 1);
    EXPECT_EQ(run(merged, CHR, M, 1, 3), 0);
    auto all = cg::build_device_program({rule(true, 'a', {}, {}, "")});
    EXPECT_EQ(all.size(), 6u + 3 * (3 + 1) + 2);
    EXPECT_EQ(run(all, BLK, R | W | M, 259, 1), 1);
    auto none = cg::build_device_program({});
    EXPECT_EQ(run(none, CHR, R, 1, 3), 0);
    EXPECT_THROW(cg::build_device_program({rule(true, 'c', 1, 3, "rx")}), berth::Error);
}

TEST(CgroupDeviceProgram, KernelVerifierAcceptsIt) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to load eBPF";
    try {
        auto fd = cg::load_device_program(cg::build_device_program(docker_like()));
        EXPECT_TRUE(fd.valid());
    } catch (const berth::Error& e) {
        if (e.code() == berth::Errc::permission_denied) GTEST_SKIP() << e.what();
        FAIL() << e.what();
    }
}

namespace {

// A cgroup in this host's real cgroup2 hierarchy (root/unified on hybrid hosts).
class CgroupV2Real : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        auto layout = cg::discover("/sys/fs/cgroup");
        if (layout.unified.empty() || layout.fake) GTEST_SKIP() << "no cgroup2 mount";
        cgroup_ = std::make_unique<cg::V2Cgroup>(layout.unified,
                                                 "/berth-test-dev-" + std::to_string(::getpid()));
        cgroup_->create();
    }
    void TearDown() override {
        if (child_ > 0) {
            if (cgroup_) {
                try {
                    cgroup_->thaw();
                } catch (...) {
                }
            }
            ::kill(child_, SIGKILL);
            ::waitpid(child_, nullptr, 0);
        }
        if (cgroup_) {
            cgroup_->destroy();
            EXPECT_FALSE(berth::path_exists(cgroup_->dir()));
        }
    }
    // A child that waits for a byte on a pipe, then runs `body` and exits with its result.
    template <typename Body>
    void spawn(Body body) {
        ASSERT_EQ(::pipe(go_), 0);
        child_ = ::fork();
        ASSERT_GE(child_, 0);
        if (child_ == 0) {
            char c;
            ::close(go_[1]);
            if (::read(go_[0], &c, 1) != 1) ::_exit(100);
            ::_exit(body());
        }
        ::close(go_[0]);
    }
    void go() {
        ASSERT_EQ(::write(go_[1], "x", 1), 1);
        ::close(go_[1]);
    }
    int wait_child() {
        int status = 0;
        EXPECT_EQ(::waitpid(child_, &status, 0), child_);
        child_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
    }

    std::unique_ptr<cg::V2Cgroup> cgroup_;
    pid_t child_ = -1;
    int go_[2] = {-1, -1};
};

int try_open(const char* path) {
    int fd = ::open(path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        ::close(fd);
        return 0;
    }
    return errno;
}

}  // namespace

TEST_F(CgroupV2Real, DeviceFilterDecidesWhatOpens) {
    berth::runtime::Resources r;
    r.devices = {rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 1, 3, "rwm")};
    cgroup_->apply(r);  // real cgroup2fs: attached
    spawn([] {
        int null_err = try_open("/dev/null");
        int zero_err = try_open("/dev/zero");
        return (null_err == 0 ? 0 : 1) | (zero_err == EPERM ? 0 : 2);
    });
    cgroup_->add_process(child_);
    auto pids = cgroup_->pids();
    EXPECT_NE(std::find(pids.begin(), pids.end(), child_), pids.end());
    go();
    EXPECT_EQ(wait_child(), 0) << "1: /dev/null refused, 2: /dev/zero not refused with EPERM";
    // An update replaces the filter rather than stacking on it.
    r.devices = {rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 1, 5, "rwm")};
    cgroup_->apply(r);
    spawn([] {
        return (try_open("/dev/zero") == 0 ? 0 : 1) | (try_open("/dev/null") == EPERM ? 0 : 2);
    });
    cgroup_->add_process(child_);
    go();
    EXPECT_EQ(wait_child(), 0);
}

TEST_F(CgroupV2Real, FreezeWaitsForFrozenAndThaws) {
    spawn([] {
        for (;;) ::pause();
        return 0;
    });
    cgroup_->add_process(child_);
    go();
    cgroup_->freeze();
    EXPECT_TRUE(cgroup_->frozen());
    EXPECT_EQ(berth::read_file(cgroup_->dir() + "/cgroup.freeze"), "1\n");
    cgroup_->thaw();
    EXPECT_FALSE(cgroup_->frozen());
    ::kill(child_, SIGKILL);
    EXPECT_EQ(wait_child(), 200 + SIGKILL);
}
