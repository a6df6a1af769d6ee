#include "engine/health_state.hpp"

#include <algorithm>
#include <ctime>

#include "common/duration_format.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "engine/oci_config.hpp"

namespace berth::engine {

namespace {

int64_t duration_or(const Json& h, const char* key, int64_t fallback) {
    int64_t v = json_int(h, key, 0);
    // moby timeoutWithDefault: zero means "default". Negative values are refused at create;
    // one in an older record must not make a monitor spin, so it is a default too.
    // Go accepts up to ~292 years; clamped so that now + duration cannot overflow a clock.
    return v <= 0 ? fallback : std::min(v, kMaxHealthDurationNs);
}

std::string rfc3339(int64_t unix_ns) {
    timespec ts{static_cast<time_t>(unix_ns / kSecondNs), static_cast<long>(unix_ns % kSecondNs)};
    return format_rfc3339_nano(ts);
}

}  // namespace

std::optional<HealthSettings> HealthSettings::from_config(const Json& config) try {
    if (!config.is_object() || !config.contains("Healthcheck") ||
        !config["Healthcheck"].is_object())
        return std::nullopt;
    const Json& h = config["Healthcheck"];
    std::vector<std::string> test = json_strings(h, "Test");
    if (test.empty()) return std::nullopt;
    HealthSettings s;
    if (test[0] == "CMD") {
        s.command.assign(test.begin() + 1, test.end());
    } else if (test[0] == "CMD-SHELL") {
        s.command = json_strings(config, "Shell");
        if (s.command.empty()) s.command = {"/bin/sh", "-c"};
        s.command.insert(s.command.end(), test.begin() + 1, test.end());
    } else {
        return std::nullopt;  // "NONE", or a type Docker does not know either
    }
    s.interval_ns = duration_or(h, "Interval", kDefaultProbeIntervalNs);
    s.timeout_ns = duration_or(h, "Timeout", kDefaultProbeTimeoutNs);
    s.start_period_ns = duration_or(h, "StartPeriod", kDefaultStartPeriodNs);
    s.start_interval_ns = duration_or(h, "StartInterval", kDefaultStartIntervalNs);
    int64_t retries = json_int(h, "Retries", 0);
    s.retries =
        retries <= 0 ? kDefaultProbeRetries : static_cast<int>(std::min<int64_t>(retries, 1 << 30));
    return s;
} catch (const Error&) {
    // Mistyped fields are refused at create; a record from before that check runs unmonitored
    // rather than failing its start or the daemon's restore.
    return std::nullopt;
}

int64_t HealthSettings::next_delay_ns(int64_t since_start_ns, bool starting) const {
    if (since_start_ns >= start_period_ns) return interval_ns;
    return starting ? start_interval_ns : interval_ns;
}

void validate_healthcheck(const Json& h) {
    if (h.is_null()) return;
    if (!h.is_object()) throw Error(Errc::invalid_argument, "Healthcheck: expected an object");
    constexpr int64_t kMinimumNs = 1'000'000;  // moby container.MinimumDuration
    for (const char* key : {"Interval", "Timeout", "StartPeriod", "StartInterval"}) {
        int64_t v = json_int(h, key, 0);
        if (v != 0 && v < kMinimumNs) {
            throw Error(Errc::invalid_argument, std::string(key) +
                                                    " in Healthcheck cannot be less than " +
                                                    format_go_duration(kMinimumNs));
        }
    }
    if (json_int(h, "Retries", 0) < 0) {
        throw Error(Errc::invalid_argument, "Retries in Healthcheck cannot be negative");
    }
}

Json ProbeResult::to_json() const {
    return {{"Start", rfc3339(start_ns)},
            {"End", rfc3339(end_ns)},
            {"ExitCode", exit_code},
            {"Output", output}};
}

std::string apply_probe_result(ContainerState& state, const HealthSettings& settings,
                               const ProbeResult& result, int64_t started_at_ns) {
    std::string old_status = state.health.empty() ? "unhealthy" : state.health;
    if (!state.health_log.is_array()) state.health_log = Json::array();
    state.health_log.push_back(result.to_json());
    while (state.health_log.size() > kMaxHealthLogEntries)
        state.health_log.erase(state.health_log.begin());

    if (result.exit_code == 0) {
        state.failing_streak = 0;
        state.health = "healthy";
    } else {
        // While "starting" (never a success yet), failures inside the start period do not count.
        bool count = !(old_status == "starting" &&
                       result.start_ns - started_at_ns < settings.start_period_ns);
        if (count) {
            ++state.failing_streak;
            if (state.failing_streak >= settings.retries) state.health = "unhealthy";
        }
    }
    std::string current = state.health.empty() ? "unhealthy" : state.health;
    return current == old_status ? "" : current;
}

void reset_health_for_start(ContainerState& state, bool has_probe) {
    if (!has_probe) return;
    state.health = "starting";
    state.failing_streak = 0;
}

void mark_health_monitor_stopped(ContainerState& state) {
    if (!state.health.empty()) state.health = "unhealthy";
}

std::string health_filter_value(const ContainerState& state) {
    return state.health.empty() ? "none" : state.health;
}

bool is_valid_health_filter(const std::string& v) {
    return v == "starting" || v == "healthy" || v == "unhealthy" || v == "none";
}

void ProbeOutput::append(std::string_view data) {
    size_t room = kMaxProbeOutput - std::min(kMaxProbeOutput, text_.size());
    text_.append(data.substr(0, room));
    if (data.size() > room) truncated_ = true;
}

std::string probe_timeout_message(int64_t timeout_ns, const std::string& output) {
    std::string msg = "Health check exceeded timeout (" + format_go_duration(timeout_ns) + ")";
    return output.empty() ? msg : msg + ": " + output;
}

}  // namespace berth::engine
