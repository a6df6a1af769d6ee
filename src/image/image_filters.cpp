// Filter values of the image API (Docker's forms) and small shared helpers of ImageService.
#include <ctime>

#include "common/error.hpp"
#include "image/image_service_impl.hpp"

namespace berth::image::detail {

std::string short_id(const Digest& d) {
    return d.hex().substr(0, 12);
}
std::string short_id(const std::string& id) {
    std::string s = id.substr(id.find(':') == std::string::npos ? 0 : id.find(':') + 1);
    return s.substr(0, 12);
}

std::optional<int64_t> parse_rfc3339(const std::string& s) {
    tm t{};
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &t);
    if (!rest) {
        rest = strptime(s.c_str(), "%Y-%m-%d", &t);
        if (!rest || *rest) return std::nullopt;
        return static_cast<int64_t>(timegm(&t));
    }
    if (*rest == '.') {
        ++rest;
        while (*rest >= '0' && *rest <= '9') ++rest;
    }
    int64_t offset = 0;
    if (*rest == '+' || *rest == '-') {
        int hh = 0, mm = 0;
        if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
        offset = (hh * 3600 + mm * 60) * (*rest == '+' ? 1 : -1);
    } else if (*rest != 'Z' && *rest != '\0') {
        return std::nullopt;
    }
    return static_cast<int64_t>(timegm(&t)) - offset;
}

int64_t parse_until(const std::string& v) {
    if (auto t = parse_rfc3339(v)) return *t;
    char* end = nullptr;
    double secs = strtod(v.c_str(), &end);
    if (!v.empty() && end && *end == '\0') return static_cast<int64_t>(secs);
    double total = 0;
    const char* p = v.c_str();
    while (*p) {
        double n = strtod(p, &end);
        if (end == p) throw Error(Errc::invalid_argument, "invalid filter 'until=" + v + "'");
        p = end;
        std::string unit;
        while (*p && (*p < '0' || *p > '9') && *p != '.') unit += *p++;
        double mult = unit == "h"    ? 3600
                      : unit == "m"  ? 60
                      : unit == "s"  ? 1
                      : unit == "ms" ? 0.001
                                     : -1;
        if (mult < 0) throw Error(Errc::invalid_argument, "invalid filter 'until=" + v + "'");
        total += n * mult;
    }
    return static_cast<int64_t>(time(nullptr)) - static_cast<int64_t>(total);
}

bool match_labels(const Filters& f, const std::map<std::string, std::string>& labels) {
    auto matches = [&](const std::string& expr) {
        auto eq = expr.find('=');
        auto it = labels.find(expr.substr(0, eq));
        if (it == labels.end()) return false;
        return eq == std::string::npos || it->second == expr.substr(eq + 1);
    };
    if (auto it = f.find("label"); it != f.end()) {
        for (const auto& e : it->second) {
            if (!matches(e)) return false;
        }
    }
    if (auto it = f.find("label!"); it != f.end()) {
        for (const auto& e : it->second) {
            if (matches(e)) return false;
        }
    }
    return true;
}

bool bool_filter(const Filters& f, const char* key, bool fallback) {
    auto it = f.find(key);
    if (it == f.end() || it->second.empty()) return fallback;
    const std::string& v = it->second.back();
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    throw Error(Errc::invalid_argument, std::string("invalid filter '") + key + "=" + v + "'");
}

}  // namespace berth::image::detail
