#include "engine/container_status_text.hpp"

#include "common/duration_format.hpp"
#include "engine/log_reader.hpp"

namespace berth::engine {

namespace {

bool is_zero_time(const std::string& t) {
    return t.empty() || t == kZeroTime;
}

// HumanDuration of now - t; an unreadable time reads as just now rather than failing ps.
std::string since(const std::string& t, int64_t now_ns) {
    int64_t ns = parse_rfc3339_ns(t);
    return human_duration(ns < 0 ? 0 : now_ns - ns);
}

}  // namespace

std::string container_status_text(const ContainerState& s, int64_t now_ns) {
    if (s.status == "running") {
        std::string up = "Up " + since(s.started_at, now_ns);
        if (s.health.empty()) return up;
        return up + (s.health == "starting" ? " (health: starting)" : " (" + s.health + ")");
    }
    if (s.status == "paused") return "Up " + since(s.started_at, now_ns) + " (Paused)";
    if (s.status == "restarting") {
        return "Restarting (" + std::to_string(s.exit_code) + ") " + since(s.finished_at, now_ns) +
               " ago";
    }
    if (s.status == "removing") return "Removal In Progress";
    if (s.status == "dead") return "Dead";
    if (s.status == "created" || is_zero_time(s.started_at)) return "Created";
    if (is_zero_time(s.finished_at)) return "";
    return "Exited (" + std::to_string(s.exit_code) + ") " + since(s.finished_at, now_ns) + " ago";
}

}  // namespace berth::engine
