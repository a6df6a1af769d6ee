// install(): programs from compile() loaded into forked children, which report what their
// system calls returned through their exit status. Every check is made by the parent.
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "runtime/seccomp/docker_profile.hpp"
#include "runtime/seccomp/seccomp.hpp"
#include "runtime/spec.hpp"

namespace berth::runtime::seccomp {
namespace {

constexpr int kInstallFailed = 200;

// Runs `body` in a child that first sets no_new_privs and installs `program` (when given).
// Returns the child's exit code, or 1000 + signal if it was killed.
int run_in_child(const Program* program, const std::function<int()>& body) {
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(kInstallFailed + 1);
        if (program && install(*program) != 0) ::_exit(kInstallFailed);
        ::_exit(body());
    }
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

// The errno of a failed raw system call, 0 on success.
int errno_of(long result) {
    return result < 0 ? errno : 0;
}

SeccompSyscall rule(std::vector<std::string> names, std::string action,
                    std::optional<uint32_t> errno_ret = std::nullopt,
                    std::vector<SeccompArg> args = {}) {
    SeccompSyscall call;
    call.names = std::move(names);
    call.action = std::move(action);
    call.errno_ret = errno_ret;
    call.args = std::move(args);
    call.json_path = "linux.seccomp.syscalls[0]";
    return call;
}

Seccomp allow_except(std::vector<SeccompSyscall> rules) {
    Seccomp config;
    config.default_action = "SCMP_ACT_ALLOW";
    config.syscalls = std::move(rules);
    return config;
}

class SeccompInstall : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-seccomp-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { remove_all(dir_); }
    std::string dir_;
};

TEST_F(SeccompInstall, DeniedMkdirGetsEperm) {
    const std::string target = dir_ + "/made";
    auto try_mkdir = [&] { return errno_of(::mkdir(target.c_str(), 0700)); };
    Program program = compile(allow_except({rule({"mkdirat", "mkdir"}, "SCMP_ACT_ERRNO", EPERM)}));

    EXPECT_EQ(run_in_child(&program, try_mkdir), EPERM);
    EXPECT_FALSE(path_exists(target));
    // Control: the same child without the filter succeeds.
    EXPECT_EQ(run_in_child(nullptr, try_mkdir), 0);
    EXPECT_TRUE(path_exists(target));
}

TEST_F(SeccompInstall, ErrnoRetIsWhatTheCallerSees) {
    Program program = compile(allow_except({rule({"getcwd"}, "SCMP_ACT_ERRNO", 38)}));
    auto try_getcwd = [] {
        char buf[4096];
        return errno_of(::syscall(SYS_getcwd, buf, sizeof buf));
    };
    EXPECT_EQ(run_in_child(&program, try_getcwd), ENOSYS);
    EXPECT_EQ(run_in_child(nullptr, try_getcwd), 0);
}

TEST_F(SeccompInstall, ArgumentConditionDecides) {
    Program program = compile(allow_except({rule({"personality"}, "SCMP_ACT_ERRNO", std::nullopt,
                                                 {{0, 0xffffffffULL, 0, "SCMP_CMP_EQ"}})}));
    // bit 0: the query personality(0xffffffff) was denied with EPERM;
    // bit 1: personality(PER_LINUX) went through.
    auto probe = [] {
        int code = 0;
        if (::syscall(SYS_personality, 0xffffffffUL) == -1 && errno == EPERM) code |= 1;
        if (::syscall(SYS_personality, static_cast<unsigned long>(PER_LINUX)) != -1) code |= 2;
        return code;
    };
    EXPECT_EQ(run_in_child(&program, probe), 3);
    EXPECT_EQ(run_in_child(nullptr, probe), 2);
}

TEST_F(SeccompInstall, MaskedEqualCondition) {
    // Deny unshare only when CLONE_NEWUTS is among the flags: (arg0 & CLONE_NEWUTS) ==
    // CLONE_NEWUTS.
    Program program =
        compile(allow_except({rule({"unshare"}, "SCMP_ACT_ERRNO", 77,
                                   {{0, CLONE_NEWUTS, CLONE_NEWUTS, "SCMP_CMP_MASKED_EQ"}})}));
    auto probe = [] {
        int code = 0;
        if (::syscall(SYS_unshare, CLONE_NEWUTS | CLONE_NEWIPC) == -1 && errno == 77) code |= 1;
        if (::syscall(SYS_unshare, CLONE_FILES) == 0) code |= 2;
        return code;
    };
    EXPECT_EQ(run_in_child(&program, probe), 3);
}

TEST_F(SeccompInstall, RepeatedArgumentRulesMatchEitherValue) {
    // Two comparisons on arg 0 in one rule: libseccomp refuses them together, so compile()
    // splits them as runc does, and either value is denied.
    Program program =
        compile(allow_except({rule({"close"}, "SCMP_ACT_ERRNO", 77,
                                   {{0, 1000, 0, "SCMP_CMP_EQ"}, {0, 1001, 0, "SCMP_CMP_EQ"}})}));
    auto probe = [] {
        int code = 0;
        if (errno_of(::syscall(SYS_close, 1000)) == 77) code |= 1;
        if (errno_of(::syscall(SYS_close, 1001)) == 77) code |= 2;
        if (errno_of(::syscall(SYS_close, 1002)) == EBADF) code |= 4;
        return code;
    };
    EXPECT_EQ(run_in_child(&program, probe), 7);
}

TEST_F(SeccompInstall, KillActionKills) {
    Program program = compile(allow_except({rule({"getppid"}, "SCMP_ACT_KILL_PROCESS")}));
    EXPECT_EQ(run_in_child(&program, [] { return static_cast<int>(::syscall(SYS_getppid) > 0); }),
              1000 + SIGSYS);
}

TEST_F(SeccompInstall, FlagsArePassedToTheKernel) {
    Seccomp config = allow_except({rule({"getcwd"}, "SCMP_ACT_ERRNO", 38)});
    config.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    Program program = compile(config);
    ASSERT_NE(program.flags, 0u);
    EXPECT_EQ(run_in_child(&program,
                           [] {
                               char buf[256];
                               return errno_of(::syscall(SYS_getcwd, buf, sizeof buf));
                           }),
              ENOSYS);
    // A flag the kernel does not know makes install() fail with -EINVAL, not crash.
    Program bogus = program;
    bogus.flags = 1U << 30;
    EXPECT_EQ(run_in_child(nullptr, [&] { return -install(bogus); }), EINVAL);
}

TEST_F(SeccompInstall, EmptyProgramInstallsNothing) {
    EXPECT_EQ(install(Program{}), 0);
}

Seccomp docker_default(const std::vector<std::string>& caps) {
    Json profile =
        parse_json(read_file(BERTH_REFERENCE_DIR "/seccomp/default.json"), "default.json");
    Json oci = docker_profile_to_oci(profile, caps, "amd64");
    Seccomp config;
    config.default_action = oci.at("defaultAction").get<std::string>();
    if (oci.contains("defaultErrnoRet"))
        config.default_errno_ret = oci["defaultErrnoRet"].get<uint32_t>();
    if (oci.contains("architectures"))
        config.architectures = oci["architectures"].get<std::vector<std::string>>();
    size_t index = 0;
    for (const auto& call : oci.at("syscalls")) {
        SeccompSyscall s;
        s.names = call.at("names").get<std::vector<std::string>>();
        s.action = call.at("action").get<std::string>();
        if (call.contains("errnoRet")) s.errno_ret = call["errnoRet"].get<uint32_t>();
        for (const auto& arg : call.value("args", Json::array())) {
            s.args.push_back({arg.at("index").get<unsigned>(), arg.at("value").get<uint64_t>(),
                              arg.at("valueTwo").get<uint64_t>(), arg.at("op").get<std::string>()});
        }
        s.json_path = "linux.seccomp.syscalls[" + std::to_string(index++) + "]";
        config.syscalls.push_back(std::move(s));
    }
    return config;
}

TEST_F(SeccompInstall, DockerDefaultProfileInAChild) {
#if !defined(__x86_64__)
    GTEST_SKIP() << "syscall numbers below are x86_64's";
#endif
    Program program = compile(docker_default(docker_default_capabilities()));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    auto probe = [&] {
        int code = 0;
        if (::syscall(SYS_getpid) == ::getpid()) code |= 1;
        if (::write(fds[1], "x", 1) == 1) code |= 2;
        if (errno_of(::syscall(SYS_unshare, CLONE_NEWUSER)) == EPERM) code |= 4;
        if (errno_of(::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)) ==
            EPERM)
            code |= 8;
        // clone3 has its own rule in the profile: ENOSYS so that libcs fall back to clone.
        if (errno_of(::syscall(SYS_clone3, nullptr, 0)) == ENOSYS) code |= 16;
        // A syscall number past everything the profile names: ENOSYS from the stub, where the
        // profile's default would answer EPERM.
        if (errno_of(::syscall(1000)) == ENOSYS) code |= 32;
        // A known syscall the profile does not allow still gets the default EPERM.
        if (errno_of(::syscall(SYS_kexec_load, 0, 0, nullptr, 0)) == EPERM) code |= 64;
        return code;
    };
    int code = run_in_child(&program, probe);
    ::close(fds[1]);
    char byte = 0;
    EXPECT_EQ(::read(fds[0], &byte, 1), 1);
    ::close(fds[0]);
    EXPECT_EQ(code, 127) << "bits: getpid 1, write 2, unshare 4, keyctl 8, clone3 16, "
                            "stub 32, kexec_load 64";
}

#if defined(__x86_64__)
// A 32-bit (i386 ABI) system call from this 64-bit process: the filter sees AUDIT_ARCH_I386.
long int80(long nr, long arg0 = 0) {
    long result;
    asm volatile("int $0x80" : "=a"(result) : "a"(nr), "b"(arg0) : "memory");
    return result;
}

TEST_F(SeccompInstall, DockerProfileCoversI386Syscalls) {
    // Without IA32 emulation in the kernel int 0x80 faults; find out in a throwaway child.
    if (run_in_child(nullptr, [] { return int80(20) == ::getpid() ? 0 : 1; }) != 0) {
        GTEST_SKIP() << "no IA32 emulation";
    }
    Seccomp config = docker_default(docker_default_capabilities());
    Program program = compile(config);
    auto probe = [] {
        int code = 0;
        if (int80(20) == ::getpid()) code |= 1;              // getpid
        if (int80(1000) == -ENOSYS) code |= 2;               // past the i386 table: the stub
        if (int80(283) == -EPERM) code |= 4;                 // kexec_load: default action
        if (int80(310, CLONE_NEWUSER) == -EPERM) code |= 8;  // unshare
        return code;
    };
    EXPECT_EQ(run_in_child(&program, probe), 15);

    // Leave SCMP_ARCH_X86 out and an i386 call is a foreign architecture: killed.
    config.architectures = {"SCMP_ARCH_X86_64"};
    Program native_only = compile(config);
    EXPECT_EQ(run_in_child(&native_only, [] { return int80(20) > 0 ? 0 : 1; }), 1000 + SIGSYS);
}
#endif

TEST_F(SeccompInstall, DockerProfileWithSysAdminAllowsUnshare) {
    auto caps = docker_default_capabilities();
    caps.push_back("CAP_SYS_ADMIN");
    Program program = compile(docker_default(caps));
    // Allowed by the filter, so the kernel decides: a forked root child may unshare its UTS
    // namespace (it has CAP_SYS_ADMIN in the test's namespace) and keeps it to itself.
    EXPECT_EQ(run_in_child(&program, [] { return errno_of(::syscall(SYS_unshare, CLONE_NEWUTS)); }),
              ::geteuid() == 0 ? 0 : EPERM);
}

}  // namespace
}  // namespace berth::runtime::seccomp
