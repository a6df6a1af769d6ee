#pragma once
// Docker's healthcheck rules, apart from the machinery that runs probes (health_monitor.cpp):
// which command a Healthcheck config asks for, how long to wait before the next probe, and
// what one probe result does to the container's health (moby daemon/health.go, Docker 27,
// whose API is v1.47). Pure functions of their inputs, so they are tested without a daemon.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_reader.hpp"
#include "engine/container.hpp"

namespace berth::engine {

constexpr int64_t kSecondNs = 1'000'000'000;
constexpr int64_t kDefaultProbeIntervalNs = 30 * kSecondNs;
constexpr int64_t kDefaultProbeTimeoutNs = 30 * kSecondNs;
constexpr int64_t kDefaultStartPeriodNs = 0;
constexpr int64_t kDefaultStartIntervalNs = 5 * kSecondNs;
constexpr int kDefaultProbeRetries = 3;
constexpr int64_t kMaxHealthDurationNs = 10LL * 365 * 24 * 3600 * kSecondNs;  // ten years
constexpr size_t kMaxHealthLogEntries = 5;
constexpr size_t kMaxProbeOutput = 4096;

// A Healthcheck config with Docker's defaults filled in (a zero duration means "default").
struct HealthSettings {
    std::vector<std::string> command;  // argv run in the container ("CMD-SHELL" through the shell)
    int64_t interval_ns = kDefaultProbeIntervalNs;
    int64_t timeout_ns = kDefaultProbeTimeoutNs;
    int64_t start_period_ns = kDefaultStartPeriodNs;
    int64_t start_interval_ns = kDefaultStartIntervalNs;
    int retries = kDefaultProbeRetries;

    // From a merged ContainerConfig. nullopt when nothing is to run: no Healthcheck, an empty
    // Test, ["NONE"], or a type other than CMD / CMD-SHELL (Docker ignores those too).
    static std::optional<HealthSettings> from_config(const Json& config);

    // The wait before the next probe, `since_start_ns` after the container started: the
    // StartInterval while still "starting" inside the StartPeriod, else the Interval.
    int64_t next_delay_ns(int64_t since_start_ns, bool starting) const;
};

// Create-time checks, with Docker's messages ("Interval in Healthcheck cannot be less than
// 1ms", "Retries in Healthcheck cannot be negative"). Throws invalid_argument.
void validate_healthcheck(const Json& healthcheck);

struct ProbeResult {
    int64_t start_ns = 0;  // unix time
    int64_t end_ns = 0;
    int exit_code = -1;
    std::string output;

    Json to_json() const;  // HealthcheckResult: {Start, End, ExitCode, Output}
};

// Applies one probe result (appends to the Log, keeping the last five; moves FailingStreak and
// Status). `started_at_ns`: when the container started, for the StartPeriod. Returns the new
// status when it changed (the health_status event to emit), else "".
std::string apply_probe_result(ContainerState& state, const HealthSettings& settings,
                               const ProbeResult& result, int64_t started_at_ns);

// A (re)start: "starting" with a zero streak when there is a probe; the Log is kept, as
// Docker keeps it. Without a probe the health is left as it is ("" for a container that
// never had one).
void reset_health_for_start(ContainerState& state, bool has_probe);

// Monitoring ended (stop, exit, pause): Docker reports "unhealthy" from then on.
void mark_health_monitor_stopped(ContainerState& state);

// What the `health` filter of ps compares: the status, "none" without a healthcheck.
std::string health_filter_value(const ContainerState& state);
bool is_valid_health_filter(const std::string& value);  // starting healthy unhealthy none

// Docker's limitedBuffer: the first 4096 bytes of the probe's stdout and stderr together,
// "..." appended when more was written.
class ProbeOutput {
  public:
    void append(std::string_view data);
    std::string str() const { return truncated_ ? text_ + "..." : text_; }

  private:
    std::string text_;
    bool truncated_ = false;
};

// "Health check exceeded timeout (1s)", with ": <output>" when the probe wrote any.
std::string probe_timeout_message(int64_t timeout_ns, const std::string& output);

}  // namespace berth::engine
