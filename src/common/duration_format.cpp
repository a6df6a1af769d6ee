#include "common/duration_format.hpp"

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

}  // namespace berth
