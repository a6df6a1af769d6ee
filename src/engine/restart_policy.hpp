#pragma once
// HostConfig.RestartPolicy and Docker's restart manager (restartmanager/restartmanager.go):
// no, always, unless-stopped, on-failure[:N]; the delay starts at 100 ms, doubles on each
// restart, is capped at 1 minute and resets once the container ran for 10 s.
#include <chrono>
#include <string>

#include "common/json_reader.hpp"

namespace berth::engine {

struct RestartPolicy {
    std::string name = "no";  // "no", "always", "unless-stopped", "on-failure"
    int maximum_retry_count = 0;

    // From {"Name": "on-failure", "MaximumRetryCount": 3}; invalid_argument for unknown names
    // and for a count with a policy other than on-failure.
    static RestartPolicy from_json(const Json& json);
    Json to_json() const;
};

class RestartManager {
public:
    explicit RestartManager(RestartPolicy policy) : policy_(std::move(policy)) {}

    // After an exit: whether to restart and after what delay. `manually_stopped` is a stop
    // or kill through the API; `ran_for` how long the container ran before this exit.
    struct Decision {
        bool restart = false;
        std::chrono::milliseconds delay{0};
    };
    Decision on_exit(int exit_code, bool manually_stopped, std::chrono::milliseconds ran_for);
    // At daemon start, for a container found stopped (moby's Container.ShouldRestart): the
    // policy's answer to its last exit, without counting a restart or touching the backoff.
    bool should_restart_stopped(int exit_code, bool manually_stopped) const;
    void set_policy(RestartPolicy p) { policy_ = std::move(p); }
    const RestartPolicy& policy() const { return policy_; }
    int restart_count() const { return count_; }
    void set_restart_count(int n) { count_ = n; }
    // A start through the API resets the backoff.
    void reset() { delay_ = std::chrono::milliseconds(0); }

private:
    RestartPolicy policy_;
    int count_ = 0;
    std::chrono::milliseconds delay_{0};
};

constexpr std::chrono::milliseconds kBackoffStart{100};
constexpr std::chrono::milliseconds kBackoffMax{60000};
constexpr std::chrono::milliseconds kBackoffReset{10000};

}  // namespace berth::engine
