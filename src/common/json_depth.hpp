#pragma once
// A bound on how deeply JSON that someone else wrote may nest, checked on the text before
// nlohmann::json builds a value: its parser is iterative, but copying, comparing and dumping a
// value recurse once per level on the calling thread's stack, so a 120 KB body of 60,000 '['
// overflowed berthd's stack.
#include <cstddef>
#include <string_view>

namespace berth {

// Go's encoding/json stops at 10,000 levels. Objects of objects cost nlohmann's copy about
// 1 KB of stack a level in an unoptimised build (measured: 10,000 levels overflow an 8 MiB
// stack), so berth stops at 1,000: no Docker or OCI document nests deeper than a dozen levels.
inline constexpr size_t kMaxJsonDepth = 1000;

// True when arrays and objects in `text` nest more than `limit` levels; brackets inside
// strings do not count. Malformed text is left for the parser to refuse.
bool json_nesting_exceeds(std::string_view text, size_t limit = kMaxJsonDepth);

}  // namespace berth
