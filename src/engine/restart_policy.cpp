#include "engine/restart_policy.hpp"

#include "common/error.hpp"

namespace berth::engine {

RestartPolicy RestartPolicy::from_json(const Json& j) {
    RestartPolicy p;
    if (!j.is_object()) return p;
    if (j.contains("Name") && j["Name"].is_string()) p.name = j["Name"].get<std::string>();
    if (p.name.empty()) p.name = "no";
    if (j.contains("MaximumRetryCount") && j["MaximumRetryCount"].is_number_integer()) {
        p.maximum_retry_count = j["MaximumRetryCount"].get<int>();
    }
    if (p.name != "no" && p.name != "always" && p.name != "unless-stopped" && p.name != "on-failure") {
        throw Error(Errc::invalid_argument, "invalid restart policy: unknown policy '" + p.name +
                                                "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
    }
    if (p.maximum_retry_count < 0) throw Error(Errc::invalid_argument, "invalid restart policy: maximum retry count cannot be negative");
    if (p.maximum_retry_count > 0 && p.name != "on-failure") {
        throw Error(Errc::invalid_argument, "invalid restart policy: maximum retry count can only be used with 'on-failure'");
    }
    return p;
}

Json RestartPolicy::to_json() const { return {{"Name", name == "no" ? "no" : name}, {"MaximumRetryCount", maximum_retry_count}}; }

RestartManager::Decision RestartManager::on_exit(int exit_code, bool manually_stopped, std::chrono::milliseconds ran_for) {
    Decision d;
    if (ran_for >= kBackoffReset) delay_ = std::chrono::milliseconds(0);
    const std::string& n = policy_.name;
    if (manually_stopped) return d;  // a stop (any policy) ends restarting, as Docker does
    if (n == "always" || n == "unless-stopped") {
        d.restart = true;
    } else if (n == "on-failure" && exit_code != 0) {
        d.restart = policy_.maximum_retry_count == 0 || count_ < policy_.maximum_retry_count;
    }
    if (!d.restart) return d;
    delay_ = delay_.count() == 0 ? kBackoffStart : std::min(delay_ * 2, kBackoffMax);
    d.delay = delay_;
    ++count_;
    return d;
}

bool RestartManager::should_restart_stopped(int exit_code, bool manually_stopped) const {
    const std::string& n = policy_.name;
    if (manually_stopped) return false;
    if (n == "always" || n == "unless-stopped") return true;
    return n == "on-failure" && exit_code != 0 && (policy_.maximum_retry_count == 0 || count_ < policy_.maximum_retry_count);
}

}  // namespace berth::engine
