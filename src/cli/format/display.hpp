#pragma once
// Docker's display helpers: ellipsis truncation by display width, short ids, "x ago" times.
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::cli {

// formatter.Ellipsis: at most `max_width` display columns, ending in "…" when cut.
std::string ellipsis(std::string_view text, int max_width);
// stringid.TruncateID: drops an "algo:" prefix and keeps 12 characters.
std::string truncate_id(std::string_view id);
// Unix seconds -> "2 minutes ago", relative to now.
std::string time_ago(int64_t unix_seconds);
// Seconds since the epoch now, and nanoseconds.
int64_t now_unix();
int64_t now_unix_nano();
// time.Unix(s, 0).String(): "2024-01-02 15:04:05 +0000 UTC" in local time.
std::string go_time_string(int64_t unix_seconds);
// RFC 3339 with nanoseconds ("2024-01-02T15:04:05.123456789Z") -> unix nanoseconds; throws.
int64_t parse_rfc3339_nano(std::string_view text);

}  // namespace berth::cli
