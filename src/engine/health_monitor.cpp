// Health monitors: per running container with a probe, a thread that waits the interval, runs
// one probe (health_probe.cpp) and applies the result (health_state.cpp), as moby's
// daemon/health.go monitor does. Started when the container starts (and on unpause, and for
// containers found running at restore); stopped on exit, pause and removal. A stopped
// monitor's thread may still be finishing its probe (killing it): its result is dropped, and
// a new monitor for the same container never waits for it.
#include <chrono>

#include "engine/health_probe.hpp"
#include "engine/health_state.hpp"
#include "engine/log_reader.hpp"
#include "engine/manager_internal.hpp"

namespace berth::engine {

namespace {

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void ContainerManager::start_health_monitor_locked(Entry& e) {
    if (stopping_ || e.removed || e.c.state.status != "running") return;
    if (!HealthSettings::from_config(e.c.config)) return;
    if (e.health_run) {  // never two monitors for one container
        e.health_run->stop = true;
        health_cv_.notify_all();
    }
    auto run = std::make_shared<HealthRun>();
    std::string id = e.c.id;
    try {
        std::thread([this, id, run] { health_loop(id, run); }).detach();
    } catch (const std::system_error&) {
        return;  // no thread to be had: the container runs on, unmonitored, as "starting"
    }
    e.health_run = run;
    ++health_threads_;
}

void ContainerManager::stop_health_monitor_locked(Entry& e) {
    if (e.health_run) {
        e.health_run->stop = true;
        e.health_run.reset();
        health_cv_.notify_all();
    }
    mark_health_monitor_stopped(e.c.state);
}

void ContainerManager::health_loop(const std::string& id, const std::shared_ptr<HealthRun>& run) {
    std::unique_lock lock(mu_);
    auto entry = [&]() -> Entry* {
        auto it = containers_.find(id);
        return it == containers_.end() || run->stop || stopping_ ? nullptr : it->second.get();
    };
    if (Entry* e = entry()) {
        // The config cannot change while the container runs: read it once.
        auto settings = HealthSettings::from_config(e->c.config);
        int64_t started_ns = parse_rfc3339_ns(e->c.state.started_at);
        ProbeTarget target{shim_dir(id), container_dir(id) + "/config.json"};
        auto sink = [&](const std::string& action,
                        const std::map<std::string, std::string>& attrs) {
            Container c;
            {
                std::lock_guard relock(mu_);
                auto it = containers_.find(id);
                if (it == containers_.end()) return;
                c = it->second->c;
            }
            emit(c, action, attrs);
        };
        while (settings && (e = entry())) {
            bool starting = e->c.state.health == "starting";
            auto delay = std::chrono::nanoseconds(
                settings->next_delay_ns(unix_now_ns() - started_ns, starting));
            if (health_cv_.wait_for(lock, delay, [&] { return run->stop.load() || stopping_; }))
                break;
            lock.unlock();
            ProbeResult result = run_health_probe(target, *settings, run->stop, sink);
            lock.lock();
            if (!(e = entry())) break;  // stopped while probing: moby drops such a result too
            int old_streak = e->c.state.failing_streak;
            std::string changed = apply_probe_result(e->c.state, *settings, result, started_ns);
            // Like moby, a steady result is not written to disk each interval: a change of
            // status or streak is, and the log goes along with that and with the exit's save.
            if (!changed.empty() || e->c.state.failing_streak != old_streak) {
                try {
                    save_locked(*e);
                } catch (const std::exception&) {
                    // The state is in memory and goes to disk with the next save.
                }
            }
            if (!changed.empty()) {
                Container c = e->c;
                lock.unlock();
                emit(c, "health_status: " + changed);
                lock.lock();
            }
        }
    }
    --health_threads_;
    // Only the destructor waits for this. Waking cv_ otherwise would wake do_stop between an
    // exit's record and its "die" event, and "stop" could go out first.
    if (stopping_) cv_.notify_all();
}

}  // namespace berth::engine
