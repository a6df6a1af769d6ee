// The healthcheck state machine without a daemon: settings and defaults, streaks, the start
// period, the log cap, output truncation, create-time validation.
#include "engine/health_state.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace berth::engine {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = kSecondNs;

Json config_with(Json healthcheck) {
    return {{"Healthcheck", std::move(healthcheck)}};
}

ProbeResult result(int exit_code, int64_t start_ns, std::string output = "") {
    ProbeResult r;
    r.start_ns = start_ns;
    r.end_ns = start_ns + 5 * kMs;
    r.exit_code = exit_code;
    r.output = std::move(output);
    return r;
}

TEST(HealthSettings, DefaultsAndCommandKinds) {
    auto s = HealthSettings::from_config(config_with({{"Test", {"CMD-SHELL", "exit 0"}}}));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->command, (std::vector<std::string>{"/bin/sh", "-c", "exit 0"}));
    EXPECT_EQ(s->interval_ns, 30 * kSec);
    EXPECT_EQ(s->timeout_ns, 30 * kSec);
    EXPECT_EQ(s->start_period_ns, 0);
    EXPECT_EQ(s->start_interval_ns, 5 * kSec);
    EXPECT_EQ(s->retries, 3);

    auto cmd = HealthSettings::from_config(
        config_with({{"Test", {"CMD", "cat", "/ok"}}, {"Interval", kSec}, {"Retries", 7}}));
    ASSERT_TRUE(cmd);
    EXPECT_EQ(cmd->command, (std::vector<std::string>{"cat", "/ok"}));
    EXPECT_EQ(cmd->interval_ns, kSec);
    EXPECT_EQ(cmd->retries, 7);

    Json shell = config_with({{"Test", {"CMD-SHELL", "true"}}});
    shell["Shell"] = {"/bin/ash", "-ec"};
    EXPECT_EQ(HealthSettings::from_config(shell)->command,
              (std::vector<std::string>{"/bin/ash", "-ec", "true"}));
}

TEST(HealthSettings, NothingToRun) {
    EXPECT_FALSE(HealthSettings::from_config(Json::object()));
    EXPECT_FALSE(HealthSettings::from_config(config_with(nullptr)));
    EXPECT_FALSE(HealthSettings::from_config(config_with({{"Test", Json::array()}})));
    EXPECT_FALSE(HealthSettings::from_config(config_with({{"Test", {"NONE"}}})));
    EXPECT_FALSE(HealthSettings::from_config(config_with({{"Test", {"HTTP", "/"}}})));
}

TEST(HealthSettings, BadRecordsDoNotThrowOrSpin) {
    // Refused at create, but a record from an older daemon may hold them.
    EXPECT_FALSE(
        HealthSettings::from_config(config_with({{"Test", {"CMD", "x"}}, {"Interval", "1s"}})));
    auto s = HealthSettings::from_config(config_with({{"Test", {"CMD", "x"}}, {"Interval", -5}}));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->interval_ns, kDefaultProbeIntervalNs);
    auto huge = HealthSettings::from_config(
        config_with({{"Test", {"CMD", "x"}}, {"Interval", INT64_MAX}, {"Timeout", INT64_MAX}}));
    EXPECT_EQ(huge->interval_ns, kMaxHealthDurationNs);
    EXPECT_EQ(huge->timeout_ns, kMaxHealthDurationNs);
}

TEST(HealthSettings, StartIntervalOnlyWhileStartingInsideTheStartPeriod) {
    auto s = *HealthSettings::from_config(config_with({{"Test", {"CMD", "true"}},
                                                       {"Interval", 10 * kSec},
                                                       {"StartPeriod", 60 * kSec},
                                                       {"StartInterval", kSec}}));
    EXPECT_EQ(s.next_delay_ns(0, true), kSec);
    EXPECT_EQ(s.next_delay_ns(59 * kSec, true), kSec);
    EXPECT_EQ(s.next_delay_ns(59 * kSec, false), 10 * kSec);  // already healthy
    EXPECT_EQ(s.next_delay_ns(60 * kSec, true), 10 * kSec);   // start period over
    auto no_period =
        *HealthSettings::from_config(config_with({{"Test", {"CMD", "true"}}, {"Interval", kSec}}));
    EXPECT_EQ(no_period.next_delay_ns(0, true), kSec);
}

TEST(HealthState, FailuresBecomeUnhealthyAfterRetries) {
    auto s =
        *HealthSettings::from_config(config_with({{"Test", {"CMD", "false"}}, {"Retries", 2}}));
    ContainerState st;
    reset_health_for_start(st, true);
    EXPECT_EQ(st.health, "starting");
    EXPECT_EQ(apply_probe_result(st, s, result(1, 10 * kSec), 0), "");
    EXPECT_EQ(st.failing_streak, 1);
    EXPECT_EQ(st.health, "starting");
    EXPECT_EQ(apply_probe_result(st, s, result(1, 11 * kSec), 0), "unhealthy");
    EXPECT_EQ(st.failing_streak, 2);
    EXPECT_EQ(apply_probe_result(st, s, result(-1, 12 * kSec), 0), "");  // stays unhealthy
    EXPECT_EQ(st.failing_streak, 3);
    EXPECT_EQ(apply_probe_result(st, s, result(0, 13 * kSec), 0), "healthy");
    EXPECT_EQ(st.failing_streak, 0);
    // From healthy, failures count at once (no start period applies any more).
    EXPECT_EQ(apply_probe_result(st, s, result(1, 14 * kSec), 0), "");
    EXPECT_EQ(apply_probe_result(st, s, result(1, 15 * kSec), 0), "unhealthy");
}

TEST(HealthState, StartPeriodFailuresDoNotCountButASuccessDoes) {
    auto s = *HealthSettings::from_config(
        config_with({{"Test", {"CMD", "x"}}, {"Retries", 1}, {"StartPeriod", 5 * kSec}}));
    const int64_t started = 1000 * kSec;
    ContainerState st;
    reset_health_for_start(st, true);
    EXPECT_EQ(apply_probe_result(st, s, result(1, started + 1 * kSec), started), "");
    EXPECT_EQ(apply_probe_result(st, s, result(1, started + 4 * kSec), started), "");
    EXPECT_EQ(st.failing_streak, 0);
    EXPECT_EQ(st.health, "starting");
    EXPECT_EQ(apply_probe_result(st, s, result(1, started + 5 * kSec), started), "unhealthy");
    EXPECT_EQ(st.failing_streak, 1);

    ContainerState quick;
    reset_health_for_start(quick, true);
    EXPECT_EQ(apply_probe_result(quick, s, result(0, started + kSec), started), "healthy");
    // Healthy inside the start period: a failure now counts.
    EXPECT_EQ(apply_probe_result(quick, s, result(1, started + 2 * kSec), started), "unhealthy");
}

TEST(HealthState, LogKeepsTheLastFiveAndRestartKeepsIt) {
    auto s = *HealthSettings::from_config(config_with({{"Test", {"CMD", "x"}}}));
    ContainerState st;
    reset_health_for_start(st, true);
    for (int i = 0; i < 7; ++i)
        apply_probe_result(st, s, result(i, (i + 1) * kSec, "run " + std::to_string(i)), 0);
    ASSERT_EQ(st.health_log.size(), kMaxHealthLogEntries);
    EXPECT_EQ(st.health_log.front()["ExitCode"], 2);
    EXPECT_EQ(st.health_log.back()["ExitCode"], 6);
    EXPECT_EQ(st.health_log.back()["Output"], "run 6");
    EXPECT_EQ(st.health_log.front()["Start"], "1970-01-01T00:00:03Z");
    EXPECT_EQ(st.health_log.front()["End"], "1970-01-01T00:00:03.005Z");

    mark_health_monitor_stopped(st);
    EXPECT_EQ(st.health, "unhealthy");
    reset_health_for_start(st, true);
    EXPECT_EQ(st.health, "starting");
    EXPECT_EQ(st.failing_streak, 0);
    EXPECT_EQ(st.health_log.size(), kMaxHealthLogEntries);
}

TEST(HealthState, NoHealthcheckStaysNone) {
    ContainerState st;
    reset_health_for_start(st, false);
    mark_health_monitor_stopped(st);
    EXPECT_EQ(st.health, "");
    EXPECT_EQ(health_filter_value(st), "none");
    EXPECT_TRUE(is_valid_health_filter("none"));
    EXPECT_TRUE(is_valid_health_filter("starting"));
    EXPECT_FALSE(is_valid_health_filter("sick"));
}

TEST(ProbeOutput, TruncatesAt4096WithEllipsis) {
    ProbeOutput small;
    small.append("hello ");
    small.append("world");
    EXPECT_EQ(small.str(), "hello world");

    ProbeOutput big;
    big.append(std::string(4000, 'a'));
    big.append(std::string(200, 'b'));
    std::string s = big.str();
    EXPECT_EQ(s.size(), 4096u + 3);
    EXPECT_EQ(s.substr(4090), "bbbbbb...");
    big.append("more");
    EXPECT_EQ(big.str().size(), 4096u + 3);
}

TEST(ProbeOutput, TimeoutMessage) {
    EXPECT_EQ(probe_timeout_message(kSec, ""), "Health check exceeded timeout (1s)");
    EXPECT_EQ(probe_timeout_message(500 * kMs, "partial\n"),
              "Health check exceeded timeout (500ms): partial\n");
}

TEST(ValidateHealthcheck, DockerMessages) {
    EXPECT_NO_THROW(validate_healthcheck(nullptr));
    EXPECT_NO_THROW(
        validate_healthcheck({{"Test", {"CMD", "true"}}, {"Interval", 0}, {"Timeout", kMs}}));
    try {
        validate_healthcheck({{"Interval", 999'999}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_STREQ(e.what(), "Interval in Healthcheck cannot be less than 1ms");
    }
    EXPECT_THROW(validate_healthcheck({{"StartInterval", -1}}), Error);
    try {
        validate_healthcheck({{"Retries", -1}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "Retries in Healthcheck cannot be negative");
    }
}

}  // namespace
}  // namespace berth::engine
