// compile(): validation, the JSON paths in its errors, and what ends up in the BPF program.
#include <linux/audit.h>
#include <linux/seccomp.h>

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "runtime/seccomp/seccomp.hpp"

namespace berth::runtime::seccomp {
namespace {

using ::testing::HasSubstr;

SeccompSyscall rule(std::vector<std::string> names, std::string action, size_t index,
                    std::optional<uint32_t> errno_ret = std::nullopt,
                    std::vector<SeccompArg> args = {}) {
    SeccompSyscall call;
    call.names = std::move(names);
    call.action = std::move(action);
    call.errno_ret = errno_ret;
    call.args = std::move(args);
    call.json_path = "linux.seccomp.syscalls[" + std::to_string(index) + "]";
    return call;
}

Seccomp allow_by_default() {
    Seccomp config;
    config.default_action = "SCMP_ACT_ALLOW";
    return config;
}

std::string error_of(const Seccomp& config) {
    try {
        compile(config);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument) << e.what();
        return e.what();
    }
    return "(no error)";
}

bool mentions_constant(const Program& program, uint32_t k) {
    return std::any_of(program.filter.begin(), program.filter.end(),
                       [&](const sock_filter& f) { return f.k == k; });
}

bool same_filter(const Program& a, const Program& b) {
    if (a.filter.size() != b.filter.size()) return false;
    for (size_t i = 0; i < a.filter.size(); ++i) {
        const auto &x = a.filter[i], &y = b.filter[i];
        if (x.code != y.code || x.jt != y.jt || x.jf != y.jf || x.k != y.k) return false;
    }
    return true;
}

TEST(SeccompCompile, MinimalProfileCompiles) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 0));
    Program program = compile(config);
    EXPECT_FALSE(program.empty());
    EXPECT_EQ(program.flags, 0u);
    // The errno action is in the program, with EPERM as the default errnoRet.
    EXPECT_TRUE(mentions_constant(program, SECCOMP_RET_ERRNO | EPERM));
}

TEST(SeccompCompile, ErrnoRetIsUsed) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"getcwd"}, "SCMP_ACT_ERRNO", 0, 38));
    Program program = compile(config);
    EXPECT_TRUE(mentions_constant(program, SECCOMP_RET_ERRNO | 38));
    EXPECT_FALSE(mentions_constant(program, SECCOMP_RET_ERRNO | EPERM));
}

TEST(SeccompCompile, UnknownActionNamesTheRule) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"getpid"}, "SCMP_ACT_ALLOW", 0));
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 1));
    config.syscalls.push_back(rule({"rmdir"}, "SCMP_ACT_ERRNO", 2));
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_BOGUS", 3));
    EXPECT_EQ(error_of(config),
              "config.json: linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_BOGUS\"");
}

TEST(SeccompCompile, UnknownDefaultAction) {
    Seccomp config;
    config.default_action = "SCMP_ACT_NOPE";
    EXPECT_EQ(error_of(config),
              "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"");
}

TEST(SeccompCompile, UnknownOperatorNamesTheArgument) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ERRNO", 0, std::nullopt,
                                   {{0, 1, 0, "SCMP_CMP_EQ"}, {1, 2, 0, "SCMP_CMP_ALMOST"}}));
    EXPECT_EQ(error_of(config),
              "config.json: linux.seccomp.syscalls[0].args[1].op: unknown operator "
              "\"SCMP_CMP_ALMOST\"");
}

TEST(SeccompCompile, ArgumentIndexOutOfRange) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(
        rule({"personality"}, "SCMP_ACT_ERRNO", 0, std::nullopt, {{6, 1, 0, "SCMP_CMP_EQ"}}));
    EXPECT_THAT(error_of(config), HasSubstr("linux.seccomp.syscalls[0].args[0].index"));
}

TEST(SeccompCompile, UnknownArchitectureNamesItsIndex) {
    Seccomp config = allow_by_default();
    config.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"};
    EXPECT_EQ(error_of(config),
              "config.json: linux.seccomp.architectures[1]: unknown architecture "
              "\"SCMP_ARCH_Z80\"");
}

TEST(SeccompCompile, UnknownFlag) {
    Seccomp config = allow_by_default();
    config.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FAST"};
    EXPECT_EQ(error_of(config),
              "config.json: linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"");
}

TEST(SeccompCompile, ErrnoRetOnlyWithErrnoOrTrace) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"getpid"}, "SCMP_ACT_KILL", 0, 5));
    EXPECT_THAT(error_of(config), HasSubstr("linux.seccomp.syscalls[0].errnoRet"));
}

TEST(SeccompCompile, NotifyIsRefusedClearly) {
    Seccomp config = allow_by_default();
    config.listener_path = "/run/listener.sock";
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_NOTIFY", 0));
    std::string message = error_of(config);
    EXPECT_THAT(message, HasSubstr("linux.seccomp.syscalls[0].action"));
    EXPECT_THAT(message, HasSubstr("SCMP_ACT_NOTIFY is not supported"));
}

TEST(SeccompCompile, ErrorsInRulesRepeatingTheDefaultAreStillReported) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(
        rule({"getpid"}, "SCMP_ACT_ALLOW", 0, std::nullopt, {{0, 1, 0, "SCMP_CMP_WHAT"}}));
    EXPECT_THAT(error_of(config), HasSubstr("linux.seccomp.syscalls[0].args[0].op"));
}

TEST(SeccompCompile, UnknownSyscallNamesAreSkipped) {
    Seccomp with_unknown = allow_by_default();
    with_unknown.syscalls.push_back(
        rule({"no_such_syscall", "mkdir", "another_made_up_one"}, "SCMP_ACT_ERRNO", 0));
    Seccomp plain = allow_by_default();
    plain.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 0));
    EXPECT_TRUE(same_filter(compile(with_unknown), compile(plain)));
    // And a rule naming nothing this host knows compiles to the bare default.
    Seccomp only_unknown = allow_by_default();
    only_unknown.syscalls.push_back(rule({"no_such_syscall"}, "SCMP_ACT_ERRNO", 0));
    EXPECT_TRUE(same_filter(compile(only_unknown), compile(allow_by_default())));
    EXPECT_FALSE(same_filter(compile(plain), compile(allow_by_default())));
}

TEST(SeccompCompile, RuleRepeatingTheDefaultActionIsSkipped) {
    // libseccomp itself refuses such a rule (EACCES); compile() must drop it instead.
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"getpid"}, "SCMP_ACT_ALLOW", 0));
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 1));
    Seccomp without = allow_by_default();
    without.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 1));
    EXPECT_TRUE(same_filter(compile(config), compile(without)));
}

TEST(SeccompCompile, SameArgumentTwiceIsSplitNotRefused) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ERRNO", 0, std::nullopt,
                                   {{0, 1, 0, "SCMP_CMP_EQ"}, {0, 2, 0, "SCMP_CMP_EQ"}}));
    Program program;
    ASSERT_NO_THROW(program = compile(config));
    EXPECT_TRUE(mentions_constant(program, 1));
    EXPECT_TRUE(mentions_constant(program, 2));
}

TEST(SeccompCompile, FlagsReachTheProgram) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 0));
    config.flags = {"SECCOMP_FILTER_FLAG_LOG"};
    EXPECT_EQ(compile(config).flags, SECCOMP_FILTER_FLAG_LOG);
    config.flags = {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"};
    EXPECT_EQ(compile(config).flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    config.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    EXPECT_EQ(compile(config).flags, 0u);  // meaningless without a notify listener
}

TEST(SeccompCompile, SubArchitecturesAreFiltered) {
    Seccomp config = allow_by_default();
    config.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 0));
    Program native_only = compile(config);
#if defined(__x86_64__)
    EXPECT_FALSE(mentions_constant(native_only, AUDIT_ARCH_I386));
    config.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    Program multi = compile(config);
    EXPECT_TRUE(mentions_constant(multi, AUDIT_ARCH_I386));
    EXPECT_GT(multi.filter.size(), native_only.filter.size());
#else
    GTEST_SKIP() << "x86_64 only";
#endif
}

TEST(SeccompCompile, ArchitecturesThisLibseccompLacksAreSkipped) {
    Seccomp config = allow_by_default();
    config.architectures = {"SCMP_ARCH_LOONGARCH64"};
    EXPECT_NO_THROW(compile(config));
}

TEST(SeccompCompile, EnosysStubOnlyWhenTheDefaultBlocks) {
    Seccomp blocking;
    blocking.default_action = "SCMP_ACT_ERRNO";
    blocking.syscalls.push_back(rule({"read", "write", "exit_group"}, "SCMP_ACT_ALLOW", 0));
    EXPECT_TRUE(mentions_constant(compile(blocking), SECCOMP_RET_ERRNO | ENOSYS));

    Seccomp allowing = allow_by_default();
    allowing.syscalls.push_back(rule({"mkdir"}, "SCMP_ACT_ERRNO", 0));
    EXPECT_FALSE(mentions_constant(compile(allowing), SECCOMP_RET_ERRNO | ENOSYS));

    Seccomp already_enosys = blocking;
    already_enosys.default_errno_ret = ENOSYS;
    // The same libseccomp program with another errno, minus the stub in front.
    EXPECT_LT(compile(already_enosys).filter.size(), compile(blocking).filter.size());
}

TEST(SeccompCompile, KnownNamesForFeatures) {
    auto actions = known_actions();
    EXPECT_THAT(actions,
                ::testing::IsSupersetOf({"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
                                         "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"}));
    EXPECT_THAT(actions, ::testing::Not(::testing::Contains("SCMP_ACT_NOTIFY")));
    EXPECT_THAT(known_operators(), ::testing::UnorderedElementsAre(
                                       "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                       "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"));
    EXPECT_THAT(known_architectures(),
                ::testing::IsSupersetOf({"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
                                         "SCMP_ARCH_AARCH64", "SCMP_ARCH_S390X"}));
    EXPECT_THAT(known_flags(),
                ::testing::IsSupersetOf({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                         "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}));
    // Every advertised name must compile.
    for (const auto& action : actions) {
        Seccomp config = allow_by_default();
        config.syscalls.push_back(rule({"mkdir"}, action, 0));
        EXPECT_NO_THROW(compile(config)) << action;
    }
    for (const auto& arch : known_architectures()) {
        Seccomp config = allow_by_default();
        config.architectures = {arch};
        EXPECT_NO_THROW(compile(config)) << arch;
    }
}

}  // namespace
}  // namespace berth::runtime::seccomp
