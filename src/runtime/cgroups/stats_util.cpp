#include "runtime/cgroups/stats_util.hpp"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>

#include "runtime/cgroups/cgroup_file.hpp"

namespace berth::runtime::cgroups {

namespace {

std::optional<uint64_t> parse_u64(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (*end != '\0') return std::nullopt;
    return v;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        out.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

bool parse_dev(const std::string& dev, uint64_t& major, uint64_t& minor) {
    size_t colon = dev.find(':');
    if (colon == std::string::npos) return false;
    auto ma = parse_u64(dev.substr(0, colon));
    auto mi = parse_u64(dev.substr(colon + 1));
    if (!ma || !mi) return false;
    major = *ma;
    minor = *mi;
    return true;
}

Json entry(uint64_t major, uint64_t minor, const std::string& op, uint64_t value) {
    return Json{{"major", major}, {"minor", minor}, {"op", op}, {"value", value}};
}

}  // namespace

void put(Json& obj, const char* key, std::optional<uint64_t> value) {
    if (value) obj[key] = *value;
}

void put_nonempty(Json& parent, const char* key, Json obj) {
    if ((obj.is_object() || obj.is_array()) && !obj.empty()) parent[key] = std::move(obj);
}

std::vector<std::string> hugetlb_sizes(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> sizes;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return sizes;
    std::string prefix = "hugetlb.";
    while (dirent* ent = ::readdir(d)) {
        std::string name = ent->d_name;
        if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0) continue;
        if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::string size = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        // "2MB.rsvd" belongs to the reservation files.
        if (size.find('.') == std::string::npos) sizes.push_back(size);
    }
    ::closedir(d);
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

Json hugetlb_stats_v2(const std::string& dir) {
    Json out = Json::object();
    for (const auto& size : hugetlb_sizes(dir, ".current")) {
        Json h = Json::object();
        put(h, "usage", read_u64(dir, "hugetlb." + size + ".current"));
        auto events = read_keyed(dir, "hugetlb." + size + ".events");
        if (auto it = events.find("max"); it != events.end()) h["failcnt"] = it->second;
        out[size] = std::move(h);
    }
    return out;
}

Json blkio_entries_v1(const std::string& text) {
    Json out = Json::array();
    for (const auto& line : lines_of(text)) {
        auto words = split_ws(line);
        uint64_t major = 0, minor = 0;
        if (words.size() != 3 || !parse_dev(words[0], major, minor)) continue;
        auto value = parse_u64(words[2]);
        if (!value) continue;
        out.push_back(entry(major, minor, words[1], *value));
    }
    return out;
}

Json io_stat_v2(const std::string& text) {
    Json bytes = Json::array();
    Json ios = Json::array();
    for (const auto& line : lines_of(text)) {
        auto words = split_ws(line);
        uint64_t major = 0, minor = 0;
        if (words.empty() || !parse_dev(words[0], major, minor)) continue;
        for (size_t i = 1; i < words.size(); ++i) {
            size_t eq = words[i].find('=');
            if (eq == std::string::npos) continue;
            std::string key = words[i].substr(0, eq);
            auto value = parse_u64(words[i].substr(eq + 1));
            if (!value) continue;
            if (key == "rbytes") bytes.push_back(entry(major, minor, "Read", *value));
            if (key == "wbytes") bytes.push_back(entry(major, minor, "Write", *value));
            if (key == "rios") ios.push_back(entry(major, minor, "Read", *value));
            if (key == "wios") ios.push_back(entry(major, minor, "Write", *value));
        }
    }
    Json out = Json::object();
    put_nonempty(out, "ioServiceBytesRecursive", std::move(bytes));
    put_nonempty(out, "ioServicedRecursive", std::move(ios));
    return out;
}

}  // namespace berth::runtime::cgroups
