#include "common/duration_format.hpp"

#include <cmath>
#include <cstdlib>

#include "common/error.hpp"

namespace berth {

std::string human_duration(int64_t ns) {
    constexpr int64_t kSecond = 1'000'000'000;
    int64_t seconds = ns / kSecond;
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return std::to_string(seconds) + " seconds";
    int64_t minutes = ns / (60 * kSecond);
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return std::to_string(minutes) + " minutes";
    // go-units: int(d.Hours() + 0.5), i.e. hours rounded half up.
    constexpr int64_t kHour = 3600 * kSecond;
    int64_t hours = (ns + kHour / 2) / kHour;
    if (hours == 1) return "About an hour";
    if (hours < 48) return std::to_string(hours) + " hours";
    if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
    if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
    if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
    // go-units truncates here: int(d.Hours())/24/365.
    return std::to_string(ns / kHour / 24 / 365) + " years";
}

std::string format_go_duration(int64_t ns) {
    if (ns == 0) return "0s";
    bool negative = ns < 0;
    uint64_t u = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
    // `value` has `digits` fractional digits: "1.5" without trailing zeros.
    auto fraction = [](uint64_t value, int digits) {
        std::string text = std::to_string(value);
        while (static_cast<int>(text.size()) <= digits) text.insert(text.begin(), '0');
        std::string whole = text.substr(0, text.size() - static_cast<size_t>(digits));
        std::string frac = text.substr(text.size() - static_cast<size_t>(digits));
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        return frac.empty() ? whole : whole + "." + frac;
    };
    std::string out;
    if (u < 1'000'000'000) {
        if (u < 1000)
            out = std::to_string(u) + "ns";
        else if (u < 1'000'000)
            out = fraction(u, 3) + "\xC2\xB5s";  // U+00B5, as Go writes it
        else
            out = fraction(u, 6) + "ms";
    } else {
        uint64_t hours = u / 3'600'000'000'000ULL;
        uint64_t rest = u % 3'600'000'000'000ULL;
        uint64_t minutes = rest / 60'000'000'000ULL;
        uint64_t secs = rest % 60'000'000'000ULL;
        if (hours > 0) out += std::to_string(hours) + "h";
        if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
        out += fraction(secs, 9) + "s";
    }
    return negative ? "-" + out : out;
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

}  // namespace berth
