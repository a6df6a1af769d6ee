#include "daemon/container_backend_impl.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "engine/log_reader.hpp"

namespace berth::daemon {

namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct WaitShared {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, done = false;
    engine::WaitResult result;
    std::exception_ptr error;
};

}  // namespace

api::Json ContainerBackendImpl::create(const api::Json& body, const std::string& name) {
    auto r = m_.create(body, name);
    return {{"Id", r.id}, {"Warnings", r.warnings}};
}

std::vector<api::Json> ContainerBackendImpl::list(const api::ContainerListOptions& o) {
    engine::ListOptions lo;
    lo.all = o.all;
    lo.limit = o.limit;
    lo.size = o.size;
    lo.filters = o.filters;
    return m_.list(lo);
}

// The engine's wait blocks and takes its starting point (the exit count) when it begins, but
// cannot say when that was. It runs on a helper thread; the headers go out once the helper is
// inside the engine, and the container's state is polled as a safety net for an exit that
// came before the engine registered the wait. (Engine change asked for: a callback once the
// wait is registered.)
api::WaitOutcome ContainerBackendImpl::wait(const std::string& key, const std::string& condition,
                                            const std::function<void()>& registered) {
    const std::string id = m_.resolve(key);
    api::Json before = m_.inspect(id, false).value("State", api::Json::object());
    auto shared = std::make_shared<WaitShared>();
    engine::ContainerManager* m = &m_;
    ++engine_calls_in_flight();
    std::thread([shared, m, id, condition] {
        {
            std::lock_guard lock(shared->mu);
            shared->entered = true;
        }
        shared->cv.notify_all();
        engine::WaitResult r;
        std::exception_ptr err;
        try {
            r = m->wait(id, condition);
        } catch (...) {
            err = std::current_exception();
        }
        {
            std::lock_guard lock(shared->mu);
            shared->result = r;
            shared->error = err;
            shared->done = true;
        }
        shared->cv.notify_all();
        --engine_calls_in_flight();
    }).detach();
    {
        std::unique_lock lock(shared->mu);
        shared->cv.wait(lock, [&] { return shared->entered; });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    registered();

    int last_exit = before.value("ExitCode", 0);
    for (;;) {
        {
            std::unique_lock lock(shared->mu);
            if (shared->cv.wait_for(lock, std::chrono::milliseconds(250),
                                    [&] { return shared->done; })) {
                if (shared->error) {
                    try {
                        std::rethrow_exception(shared->error);
                    } catch (const Error& e) {
                        // Removed before the helper found it: the exit was already seen.
                        if (e.code() == Errc::not_found && condition == "removed")
                            return {last_exit, ""};
                        throw;
                    }
                }
                return {shared->result.status_code, shared->result.error};
            }
        }
        if (stopping_) throw Error(Errc::unavailable, "the daemon is shutting down");
        api::Json st;
        try {
            st = m_.inspect(id, false).value("State", api::Json::object());
        } catch (const Error& e) {
            if (e.code() == Errc::not_found) return {last_exit, ""};
            throw;
        }
        std::string status = st.value("Status", "");
        bool running = status == "running" || status == "paused" || status == "restarting";
        if (!running) last_exit = st.value("ExitCode", 0);
        bool exited_since = st.value("FinishedAt", "") != before.value("FinishedAt", "");
        if ((condition == "not-running" && !running) ||
            (condition == "next-exit" && exited_since && !running)) {
            return {st.value("ExitCode", 0), st.value("Error", "")};
        }
    }
}

void ContainerBackendImpl::logs(const std::string& id, const api::LogsRequest& r,
                                const std::function<bool(int, std::string_view)>& sink) {
    engine::LogReadOptions o;
    o.stdout_ = r.stdout_;
    o.stderr_ = r.stderr_;
    o.follow = r.follow;
    o.tail = r.tail;
    int64_t now = now_ns();
    if (!r.since.empty()) o.since_ns = engine::parse_log_time(r.since, now);
    if (!r.until.empty()) o.until_ns = engine::parse_log_time(r.until, now);
    m_.logs(id, o, [&](const engine::LogEntry& e) {
        if (stopping_) return false;
        return sink(e.stream, engine::format_log_entry(e, r.timestamps));
    });
}

api::StdioStream ContainerBackendImpl::attach(const std::string& id, const api::AttachRequest& r) {
    engine::AttachOptions o;
    o.stdin_ = r.stdin_;
    o.stdout_ = r.stdout_;
    o.stderr_ = r.stderr_;
    auto s = m_.attach(id, o);
    return {std::move(s.fd), s.tty};
}

api::StdioStream ContainerBackendImpl::exec_start(const std::string& exec_id,
                                                  const api::ExecStartRequest& r) {
    engine::ExecStartOptions o;
    o.detach = r.detach;
    o.tty = r.tty;
    o.height = r.height;
    o.width = r.width;
    auto s = m_.exec_start(exec_id, o);
    return {std::move(s.fd), s.tty};
}

}  // namespace berth::daemon
