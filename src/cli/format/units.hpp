#pragma once
// Docker's human units (github.com/docker/go-units) and Go's duration syntax: "2 minutes",
// "4.26MB", "64m" -> 67108864, "1m30s" -> 90e9 ns.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/duration_format.hpp"  // human_duration, format_go_duration, parse_go_duration

namespace berth::cli {

// units.HumanSizeWithPrecision: decimal units B kB MB GB..., %.*g.
std::string human_size(double bytes, int precision = 3);
// units.BytesSize: binary units B KiB MiB..., %.4g.
std::string bytes_size(double bytes);

// units.RAMInBytes: "64m", "1.5g", "512k", "100" (bytes), case-insensitive, optional "b"/"ib".
// Throws invalid_argument "invalid size: '...'".
int64_t ram_in_bytes(std::string_view text);
// units.FromHumanSize: the same grammar with decimal multipliers.
int64_t from_human_size(std::string_view text);

using berth::parse_go_duration;

}  // namespace berth::cli
