#pragma once
// Reading a json-file log (shim/json_log.hpp) the way `docker logs` does: rotated files
// oldest first, since/until, tail, stream selection, timestamps, follow.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace berth::engine {

struct LogEntry {
    int stream = 1;        // 1 stdout, 2 stderr
    std::string message;   // as written, newline included when there was one
    std::string time;      // RFC 3339 nano, as in the file
    int64_t time_ns = 0;   // the same, since the epoch
    // The line's "attrs" (log-opt labels/env), sorted by key: `docker logs --details`.
    std::vector<std::pair<std::string, std::string>> attrs;
};

struct LogReadOptions {
    bool stdout_ = true, stderr_ = true;
    int64_t since_ns = 0;   // entries strictly after; 0: from the start
    int64_t until_ns = 0;   // entries before or at; 0: no end
    int64_t tail = -1;      // last N entries (after the filters); -1: all
    bool follow = false;
    int max_file = 1;       // how many rotated files may exist (<log>.1 ... <log>.N-1)
};

// Calls `sink` per entry, oldest first; `sink` returns false to stop. With follow, keeps
// waiting for new entries (handling rotation) while `running()` says the container runs,
// and returns after a final read once it does not (or when `sink` says stop).
void read_logs(const std::string& path, const LogReadOptions& options, const std::function<bool(const LogEntry&)>& sink,
               const std::function<bool()>& running = {});

// Docker's --since/--until values: RFC 3339 (with or without fraction/zone), unix seconds with
// an optional fraction ("1700000000.5"), or a duration before now ("10m", "1h30m").
// Throws invalid_argument.
int64_t parse_log_time(const std::string& text, int64_t now_ns);
int64_t parse_rfc3339_ns(const std::string& text);  // -1 when malformed

// One line of `docker logs` output: "<time> " prefix with timestamps, then with details the
// attributes ("k=v,k2=v2 ", query-escaped as dockerd writes them; just " " when none), then
// the message.
std::string format_log_entry(const LogEntry& entry, bool timestamps, bool details = false);

}  // namespace berth::engine
