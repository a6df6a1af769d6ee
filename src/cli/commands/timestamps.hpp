#pragma once
// --since/--until values as Docker's timetypes.GetTimestamp reads them: a Go duration ("10m",
// relative to now), a unix timestamp ("1700000000.5"), or an RFC 3339 date/time; the API wants
// "seconds[.nanoseconds]".
#include <cstdint>
#include <string>

namespace berth::cli {

std::string api_timestamp(const std::string& value, int64_t now_unix_seconds = -1);

}  // namespace berth::cli
