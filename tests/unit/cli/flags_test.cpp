// pflag's grammar as Docker uses it, and Docker's wording for mistakes.
#include "cli/flags/flag_set.hpp"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

struct RunLike {
    bool detach = false, interactive = false, tty = false, rm = false;
    std::string name, memory;
    std::vector<std::string> env;
    int64_t pids = 0;
    FlagSet flags{"berth run", "[OPTIONS] IMAGE [COMMAND] [ARG...]"};
    RunLike() {
        flags.set_interspersed(false);
        flags.boolean(&detach, "detach", 'd', "");
        flags.boolean(&interactive, "interactive", 'i', "");
        flags.boolean(&tty, "tty", 't', "");
        flags.boolean(&rm, "rm", 0, "");
        flags.string(&name, "name", 0, "");
        flags.string(&memory, "memory", 'm', "");
        flags.strings(&env, "env", 'e', "");
        flags.integer(&pids, "pids-limit", 0, "");
    }
};

TEST(Flags, StopsAtTheImageSoCommandFlagsPassThrough) {
    RunLike r;
    auto pos = r.flags.parse({"--rm", "-it", "busybox", "ls", "-l", "--rm"});
    EXPECT_TRUE(r.rm);
    EXPECT_TRUE(r.interactive);
    EXPECT_TRUE(r.tty);
    EXPECT_EQ(pos, (std::vector<std::string>{"busybox", "ls", "-l", "--rm"}));
}

TEST(Flags, ValueSpellings) {
    RunLike r;
    auto pos = r.flags.parse({"--name=web", "-e", "A=1", "-eB=2", "-e=C=3", "--env", "D", "-m64m",
                              "--pids-limit", "-1", "--detach=false", "img"});
    EXPECT_EQ(r.name, "web");
    EXPECT_EQ(r.env, (std::vector<std::string>{"A=1", "B=2", "C=3", "D"}));
    EXPECT_EQ(r.memory, "64m");
    EXPECT_EQ(r.pids, -1);
    EXPECT_FALSE(r.detach);
    EXPECT_TRUE(r.flags.changed("detach"));
    EXPECT_FALSE(r.flags.changed("rm"));
    EXPECT_EQ(pos, (std::vector<std::string>{"img"}));
}

TEST(Flags, ClusterEndingInAValueFlag) {
    RunLike r;
    auto pos = r.flags.parse({"-dim", "1g", "img"});
    EXPECT_TRUE(r.detach);
    EXPECT_TRUE(r.interactive);
    EXPECT_EQ(r.memory, "1g");
}

TEST(Flags, DoubleDashEndsFlags) {
    RunLike r;
    auto pos = r.flags.parse({"-d", "--", "-img", "x"});
    EXPECT_EQ(pos, (std::vector<std::string>{"-img", "x"}));
}

TEST(Flags, InterspersedByDefault) {
    bool all = false;
    FlagSet f("berth ps", "[OPTIONS]");
    f.boolean(&all, "all", 'a', "");
    auto pos = f.parse({"x", "-a", "y"});
    EXPECT_TRUE(all);
    EXPECT_EQ(pos, (std::vector<std::string>{"x", "y"}));
}

TEST(Flags, DockerErrors) {
    RunLike r;
    try {
        r.flags.parse({"--bogus"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "unknown flag: --bogus\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
            "Run 'berth run --help' for more information");
    }
    try {
        r.flags.parse({"-Z"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("unknown shorthand flag: 'Z' in -Z\n"));
    }
    try {
        r.flags.parse({"--pids-limit", "abc"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_TRUE(
            std::string(e.what()).starts_with("invalid argument \"abc\" for \"--pids-limit\" flag: "
                                              "strconv.ParseInt: parsing \"abc\": invalid syntax"));
    }
    EXPECT_THROW(r.flags.parse({"--name"}), UsageError);
    EXPECT_THROW(r.flags.parse({"-e"}), UsageError);
    EXPECT_THROW(r.flags.parse({"--rm=maybe"}), UsageError);
}

TEST(Flags, HelpAndArgCounts) {
    RunLike r;
    r.flags.parse({"--help"});
    EXPECT_TRUE(r.flags.help_requested());
    EXPECT_NE(r.flags.help_text().find("  -d, --detach"), std::string::npos);
    EXPECT_NE(r.flags.help_text().find("      --name string"), std::string::npos);
    try {
        r.flags.require_min_args({}, 1);
        FAIL();
    } catch (const ArgsError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "'berth run' requires at least 1 argument\n\nUsage:  berth run [OPTIONS] IMAGE "
                  "[COMMAND] [ARG...]\n\n"
                  "See 'berth run --help' for more information");
    }
    EXPECT_THROW(r.flags.require_exact_args({"a"}, 2), ArgsError);
    EXPECT_THROW(r.flags.require_no_args({"a"}), ArgsError);
    EXPECT_NO_THROW(r.flags.require_max_args({"a"}, 1));
}

}  // namespace
}  // namespace berth::cli
