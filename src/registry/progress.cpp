#include "registry/progress.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace berth::registry {

std::string human_size(double bytes) {
    static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int i = 0;
    while (bytes >= 1000.0 && i < 5) {
        bytes /= 1000.0;
        ++i;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g%s", bytes, units[i]);
    return buf;
}

std::string progress_bar(uint64_t current, uint64_t total) {
    std::string out;
    if (total > 0 && current <= total) {
        constexpr int width = 50;
        int bars = static_cast<int>(static_cast<double>(current) / static_cast<double>(total) * width);
        if (bars > width) bars = width;
        int spaces = width - bars - 1;
        out = "[" + std::string(bars, '=') + ">" + std::string(spaces > 0 ? spaces : 0, ' ') + "] ";
    }
    char buf[64];
    std::string cur = human_size(static_cast<double>(current));
    if (total > 0)
        std::snprintf(buf, sizeof buf, "%8s/%s", cur.c_str(), human_size(static_cast<double>(total)).c_str());
    else
        std::snprintf(buf, sizeof buf, "%8s", cur.c_str());
    return out + buf;
}

std::string short_id(const std::string& digest) {
    size_t colon = digest.find(':');
    std::string hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
    return hex.substr(0, 12);
}

Json status(const std::string& text, const std::string& id) {
    Json j = {{"status", text}};
    if (!id.empty()) j["id"] = id;
    return j;
}

Json status_with_detail(const std::string& text, const std::string& id) {
    return {{"status", text}, {"progressDetail", Json::object()}, {"id", id}};
}

Json progress_message(const std::string& text, const std::string& id, uint64_t current, uint64_t total) {
    return {{"status", text},
            {"progressDetail", {{"current", current}, {"total", total}}},
            {"progress", progress_bar(current, total)},
            {"id", id}};
}

void ProgressThrottle::update(uint64_t current) {
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
    bool done = current >= total_;
    if (!done && now - last_ms_ < 100) return;
    last_ms_ = now;
    sink_.emit(progress_message(action_, id_, current, total_));
}

}  // namespace berth::registry
