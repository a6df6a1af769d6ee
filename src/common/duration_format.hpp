#pragma once
// Durations as Docker prints and parses them. One implementation for the daemon (ps Status column,
// healthcheck messages) and the CLI ("Created" column, `docker events` relative times).
#include <cstdint>
#include <string>
#include <string_view>

namespace berth {

// github.com/docker/go-units HumanDuration: "Less than a second", "1 second", "5 seconds",
// "About a minute", "3 minutes", "About an hour", "2 hours", "3 days", "2 weeks", "4 months",
// "2 years". Negative durations read as "Less than a second", as in Go.
std::string human_duration(int64_t nanoseconds);

// Go's time.Duration.String: "1m30s", "1.5s", "300ms", "2µs", "0s".
std::string format_go_duration(int64_t nanoseconds);

// Go's time.ParseDuration: "300ms", "1.5h", "2h45m", "-1s"; throws invalid_argument with
// Go's message ("time: invalid duration \"x\"").
int64_t parse_go_duration(std::string_view text);

}  // namespace berth
