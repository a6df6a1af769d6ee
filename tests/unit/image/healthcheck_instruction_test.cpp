#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image/archive_import.hpp"
#include "image/healthcheck_instruction.hpp"

using namespace berth::image;

namespace {

std::string error_of(const std::string& rest) {
    try {
        parse_healthcheck_instruction(rest);
    } catch (const berth::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(HealthcheckInstruction, ShellFormWithFlags) {
    auto h = parse_healthcheck_instruction(
        "--interval=5s --timeout=2s --start-period=1m --start-interval=500ms --retries=3 CMD wget -q -O- localhost || exit 1");
    EXPECT_EQ(h.test, (std::vector<std::string>{"CMD-SHELL", "wget -q -O- localhost || exit 1"}));
    EXPECT_EQ(h.interval, 5'000'000'000);
    EXPECT_EQ(h.timeout, 2'000'000'000);
    EXPECT_EQ(h.start_period, 60'000'000'000);
    EXPECT_EQ(h.start_interval, 500'000'000);
    EXPECT_EQ(h.retries, 3);
}

TEST(HealthcheckInstruction, ExecFormAndLowerCaseType) {
    auto h = parse_healthcheck_instruction("cmd [\"/bin/true\", \"x\"]");
    EXPECT_EQ(h.test, (std::vector<std::string>{"CMD", "/bin/true", "x"}));
    EXPECT_EQ(h.interval, 0);
}

TEST(HealthcheckInstruction, None) {
    EXPECT_EQ(parse_healthcheck_instruction("NONE").test, std::vector<std::string>{"NONE"});
    EXPECT_EQ(error_of("NONE now"), "HEALTHCHECK NONE takes no arguments");
}

TEST(HealthcheckInstruction, MobysErrors) {
    EXPECT_EQ(error_of("--interval=5s"), "Unknown type \"\" in HEALTHCHECK (try CMD)");
    EXPECT_EQ(error_of("RUN true"), "Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
    EXPECT_EQ(error_of("CMD"), "Missing command after HEALTHCHECK CMD");
    EXPECT_EQ(error_of("--every=5s CMD true"), "Unknown flag: every");
    EXPECT_EQ(error_of("--interval=10us CMD true"), "Interval \"interval\" cannot be less than 1ms");
    EXPECT_EQ(error_of("--interval=soon CMD true"), "time: invalid duration \"soon\"");
    EXPECT_EQ(error_of("--retries=-1 CMD true"), "--retries cannot be negative (-1)");
    EXPECT_EQ(error_of("--retries CMD true"), "Missing a value on flag: --retries");
}

TEST(HealthcheckInstruction, AsAChangeItReplacesTheWholeCheck) {
    RunConfig c;
    c.healthcheck = HealthConfig{{"CMD", "old"}, 1, 2, 3, 4, 5};
    apply_changes(c, {"HEALTHCHECK --interval=7s CMD true"});
    ASSERT_TRUE(c.healthcheck);
    EXPECT_EQ(c.healthcheck->test, (std::vector<std::string>{"CMD-SHELL", "true"}));
    EXPECT_EQ(c.healthcheck->interval, 7'000'000'000);
    EXPECT_EQ(c.healthcheck->retries, 0);
}
