#include "daemon/container_backend_impl.hpp"

#include <chrono>

#include "common/error.hpp"
#include "engine/log_reader.hpp"

namespace berth::daemon {

namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

api::Json ContainerBackendImpl::create(const api::Json& body, const std::string& name,
                                       bool legacy_read_only_binds) {
    auto r = m_.create(body, name, legacy_read_only_binds);
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

// The engine calls `registered` once the waiter is in place (the router sends its headers
// then) and ends the wait with unavailable when the daemon stops: no helper thread, no polling.
api::WaitOutcome ContainerBackendImpl::wait(const std::string& key, const std::string& condition,
                                            const std::function<void()>& registered,
                                            const std::function<bool()>& abandoned) {
    engine::WaitResult r = m_.wait(key, condition, registered, abandoned);
    return {r.status_code, r.error};
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
        return sink(e.stream, engine::format_log_entry(e, r.timestamps, r.details));
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
