#include "cli/format/units.hpp"

#include <cmath>
#include <cstdio>

#include "common/error.hpp"

namespace berth::cli {

namespace {

std::string custom_size(double size, double base, const char* const* units, int count,
                        const char* fmt, int precision) {
    int i = 0;
    while (size >= base && i < count - 1) {
        size /= base;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, precision, size);
    return std::string(buf) + units[i];
}

constexpr const char* kDecimal[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
constexpr const char* kBinary[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

int64_t parse_size(std::string_view text, bool binary) {
    auto bad = [&]() {
        return Error(Errc::invalid_argument, "invalid size: '" + std::string(text) + "'");
    };
    // ^(\d+(\.\d+)*) ?([kmgtp])?i?b?$ (case-insensitive)
    size_t i = 0;
    auto digits = [&]() {
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        return i > start;
    };
    if (!digits()) throw bad();
    while (i < text.size() && text[i] == '.') {
        ++i;
        if (!digits()) throw bad();
    }
    std::string number(text.substr(0, i));
    if (i < text.size() && text[i] == ' ') ++i;
    double multiplier = 1;
    if (i < text.size()) {
        char u = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        const char* units = "kmgtp";
        for (int k = 0; k < 5; ++k) {
            if (u == units[k]) {
                multiplier = std::pow(binary ? 1024.0 : 1000.0, k + 1);
                ++i;
                break;
            }
        }
    }
    if (i < text.size() && (text[i] == 'i' || text[i] == 'I')) ++i;
    if (i < text.size() && (text[i] == 'b' || text[i] == 'B')) ++i;
    if (i != text.size()) throw bad();
    double value = std::strtod(number.c_str(), nullptr);  // "1.2.3" reads as 1.2, as Go's does not
    return static_cast<int64_t>(value * multiplier);
}

}  // namespace

std::string human_size(double bytes, int precision) {
    return custom_size(bytes, 1000.0, kDecimal, 9, "%.*g", precision);
}

std::string bytes_size(double bytes) {
    return custom_size(bytes, 1024.0, kBinary, 9, "%.*g", 4);
}

int64_t ram_in_bytes(std::string_view text) {
    return parse_size(text, true);
}
int64_t from_human_size(std::string_view text) {
    return parse_size(text, false);
}

int64_t parse_go_duration(std::string_view text) {
    auto bad = [&]() {
        return Error(Errc::invalid_argument,
                     "time: invalid duration \"" + std::string(text) + "\"");
    };
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return 0;
    if (s.empty()) throw bad();
    double total = 0;
    while (!s.empty()) {
        size_t i = 0;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
        if (i == 0) throw bad();
        double value = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
        s.remove_prefix(i);
        size_t u = 0;
        while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
        std::string_view unit = s.substr(0, u);
        s.remove_prefix(u);
        double scale;
        if (unit == "ns")
            scale = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
            scale = 1e3;
        else if (unit == "ms")
            scale = 1e6;
        else if (unit == "s")
            scale = 1e9;
        else if (unit == "m")
            scale = 60e9;
        else if (unit == "h")
            scale = 3600e9;
        else if (unit.empty())
            throw Error(Errc::invalid_argument,
                        "time: missing unit in duration \"" + std::string(text) + "\"");
        else
            throw Error(Errc::invalid_argument, "time: unknown unit \"" + std::string(unit) +
                                                    "\" in duration \"" + std::string(text) + "\"");
        total += value * scale;
    }
    auto ns = static_cast<int64_t>(std::llround(total));
    return negative ? -ns : ns;
}

}  // namespace berth::cli
