#include "api/query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/error.hpp"

namespace berth::api {

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}
}  // namespace

std::string url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                throw Error(Errc::invalid_argument,
                            "invalid URL escape \"" +
                                std::string(text.substr(i, std::min<size_t>(3, text.size() - i))) +
                                "\"");
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

Query Query::parse(std::string_view raw) {
    Query q;
    while (!raw.empty()) {
        auto amp = raw.find('&');
        std::string_view part = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string key = url_decode(part.substr(0, eq));
        std::string value =
            eq == std::string_view::npos ? std::string{} : url_decode(part.substr(eq + 1));
        q.entries_.emplace_back(std::move(key), std::move(value));
    }
    return q;
}

bool Query::has(std::string_view key) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const auto& e) { return e.first == key; });
}

std::optional<std::string> Query::get(std::string_view key) const {
    for (const auto& [k, v] : entries_)
        if (k == key) return v;
    return std::nullopt;
}

std::string Query::get_or(std::string_view key, std::string fallback) const {
    auto v = get(key);
    return v ? *v : std::move(fallback);
}

std::vector<std::string> Query::all(std::string_view key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_)
        if (k == key) out.push_back(v);
    return out;
}

bool Query::get_bool(std::string_view key) const {
    auto v = get(key);
    if (!v) return false;
    std::string s = lower_trimmed(*v);
    return !(s.empty() || s == "0" || s == "no" || s == "false" || s == "none");
}

bool Query::get_bool_or(std::string_view key, bool fallback) const {
    return has(key) ? get_bool(key) : fallback;
}

std::optional<int64_t> Query::get_int(std::string_view key) const {
    auto v = get(key);
    if (!v || v->empty()) return std::nullopt;
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || ptr != v->data() + v->size()) {
        throw Error(Errc::invalid_argument,
                    "invalid value for " + std::string(key) + ": \"" + *v + "\" is not an integer");
    }
    return n;
}

}  // namespace berth::api
