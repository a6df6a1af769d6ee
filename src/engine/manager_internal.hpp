#pragma once
// What the ContainerManager's files share: the per-container entry and the exec record.
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "engine/container_manager.hpp"
#include "engine/restart_policy.hpp"

namespace berth::engine {

// One health monitor's life (health_monitor.cpp). `stop` is set under mu_ when monitoring must
// end; the probe in flight reads it without the lock to give up early.
struct ContainerManager::HealthRun {
    std::atomic<bool> stop{false};
};

struct ContainerManager::Entry {
    Container c;
    std::mutex op;            // one start/stop/remove at a time on this container
    uint64_t exit_seq = 0;    // bumped on every exit (wait next-exit)
    uint64_t died_seq = 0;    // exit_seq once that exit's "die" event is out (stop waits for it)
    bool removed = false;
    bool restarting_by_request = false;  // `docker restart`: the stop must not auto-remove (--rm)
    bool exit_pending = false;  // handle_exit is cleaning up after an exit (still "running")
    RestartManager restart{RestartPolicy{}};
    std::chrono::steady_clock::time_point started_at{};
    struct PendingAttach {
        AttachOptions options;
        std::promise<AttachStream> promise;
    };
    std::vector<std::shared_ptr<PendingAttach>> pending_attach;
    std::shared_ptr<HealthRun> health_run;  // the running health monitor, if any
};

struct ContainerManager::Exec {
    std::string id;
    std::string container_id;
    Json config;              // ExecConfig
    bool started = false;
    bool running = false;
    int exit_code = -1;       // -1: unknown yet
    int pid = 0;
    bool tty = false;
};

Json health_json(const ContainerState& s);

}  // namespace berth::engine
