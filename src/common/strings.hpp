#pragma once
// Small string helpers shared across modules.
#include <string>
#include <string_view>
#include <vector>

namespace berth {

// "a,b,,c" split on ',' -> {"a", "b", "", "c"}; empty input -> {""}.
inline std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t end = text.find(sep, start);
        out.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace berth
