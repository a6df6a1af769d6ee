#include "cli/format/display.hpp"

#include <ctime>
#include <vector>

#include "cli/format/units.hpp"
#include "common/error.hpp"

namespace berth::cli {

namespace {

// East Asian wide and full-width ranges, enough for what container names and commands hold.
int char_width(uint32_t cp) {
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

struct Rune {
    size_t offset, length;
    uint32_t cp;
};

std::vector<Rune> runes(std::string_view s) {
    std::vector<Rune> out;
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + n > s.size()) n = 1;
        uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
        for (size_t k = 1; k < n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back({i, n, cp});
        i += n;
    }
    return out;
}

}  // namespace

std::string ellipsis(std::string_view text, int max_width) {
    if (max_width <= 0) return "";
    auto rs = runes(text);
    if (rs.empty()) return "";
    if (max_width == 1) return std::string(text.substr(rs[0].offset, rs[0].length));
    int width = 0;
    for (const auto& r : rs) width += char_width(r.cp);
    if (width <= max_width) return std::string(text);
    int used = 0;
    size_t end = 0;
    for (const auto& r : rs) {
        int w = char_width(r.cp);
        if (used + w > max_width - 1) break;
        used += w;
        end = r.offset + r.length;
    }
    return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

std::string truncate_id(std::string_view id) {
    if (auto colon = id.find(':'); colon != std::string_view::npos) id = id.substr(colon + 1);
    return std::string(id.substr(0, 12));
}

int64_t now_unix() {
    return static_cast<int64_t>(std::time(nullptr));
}

int64_t now_unix_nano() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string time_ago(int64_t unix_seconds) {
    return human_duration((now_unix_nano() - unix_seconds * 1'000'000'000)) + " ago";
}

std::string go_time_string(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    tm local{};
    localtime_r(&t, &local);
    char buf[96];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &local);
    return buf;
}

int64_t parse_rfc3339_nano(std::string_view text) {
    auto bad = [&]() {
        return Error(Errc::invalid_argument, "invalid time: " + std::string(text));
    };
    tm parts{};
    int y, mo, d, h, mi, s;
    if (text.size() < 19 || std::sscanf(std::string(text.substr(0, 19)).c_str(),
                                        "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        throw bad();
    parts.tm_year = y - 1900;
    parts.tm_mon = mo - 1;
    parts.tm_mday = d;
    parts.tm_hour = h;
    parts.tm_min = mi;
    parts.tm_sec = s;
    int64_t secs = static_cast<int64_t>(timegm(&parts));
    size_t i = 19;
    int64_t nanos = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        int digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (digits < 9) {
                nanos = nanos * 10 + (text[i] - '0');
                ++digits;
            }
            ++i;
        }
        while (digits++ < 9) nanos *= 10;
    }
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        int oh = 0, om = 0;
        if (std::sscanf(std::string(text.substr(i + 1)).c_str(), "%2d:%2d", &oh, &om) != 2)
            throw bad();
        int64_t offset = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
        secs -= offset;
    } else if (i >= text.size() || (text[i] != 'Z' && text[i] != 'z')) {
        throw bad();
    }
    return secs * 1'000'000'000 + nanos;
}

}  // namespace berth::cli
