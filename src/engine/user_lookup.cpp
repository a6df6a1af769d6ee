#include "engine/user_lookup.hpp"

#include <sstream>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::engine {

namespace {

std::vector<std::vector<std::string>> read_colon_file(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::optional<std::string> text;
    try {
        text = read_file_if_exists(path);
    } catch (const Error&) {
    }
    if (!text) return rows;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields;
        size_t start = 0;
        for (;;) {
            size_t c = line.find(':', start);
            fields.push_back(line.substr(start, c == std::string::npos ? std::string::npos : c - start));
            if (c == std::string::npos) break;
            start = c + 1;
        }
        rows.push_back(std::move(fields));
    }
    return rows;
}

std::optional<uint32_t> number(const std::string& s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > 0xFFFFFFFFu) return std::nullopt;
    return static_cast<uint32_t>(v);
}

uint32_t resolve_group(const std::vector<std::vector<std::string>>& groups, const std::string& name) {
    for (const auto& g : groups) {
        if (g.size() >= 3 && g[0] == name) {
            if (auto n = number(g[2])) return *n;
        }
    }
    if (auto n = number(name)) return *n;
    throw Error(Errc::invalid_argument, "unable to find group " + name + ": no matching entries in group file");
}

}  // namespace

ResolvedUser resolve_user(const std::string& rootfs, const std::string& spec, const std::vector<std::string>& group_add) {
    ResolvedUser r;
    auto passwd = read_colon_file(rootfs + "/etc/passwd");
    auto groups = read_colon_file(rootfs + "/etc/group");
    std::string user = spec, group;
    if (auto c = spec.find(':'); c != std::string::npos) {
        user = spec.substr(0, c);
        group = spec.substr(c + 1);
    }
    std::string user_name;
    bool found = false;
    if (user.empty()) user = "0";
    for (const auto& p : passwd) {
        if (p.size() < 4) continue;
        bool match = p[0] == user || (number(user) && number(p[2]) == number(user));
        if (!match) continue;
        auto uid = number(p[2]), gid = number(p[3]);
        if (!uid || !gid) continue;
        r.uid = *uid;
        r.gid = *gid;
        if (p.size() >= 6 && !p[5].empty()) r.home = p[5];
        user_name = p[0];
        found = true;
        break;
    }
    if (!found) {
        auto uid = number(user);
        if (!uid) throw Error(Errc::invalid_argument, "unable to find user " + user + ": no matching entries in passwd file");
        r.uid = *uid;
        r.gid = 0;
        r.home = "/";
    }
    if (!group.empty()) r.gid = resolve_group(groups, group);
    // Supplementary groups as moby's getUser sets them: the primary gid first (so `id` shows
    // groups=0(root),10(wheel) as under Docker), then, when no group was named, those that
    // list the user by name (libcontainer's GetExecUser), then GroupAdd.
    r.additional_gids.push_back(r.gid);
    if (!user_name.empty() && group.empty()) {
        for (const auto& g : groups) {
            if (g.size() < 4 || g[3].empty()) continue;
            std::istringstream members(g[3]);
            std::string m;
            while (std::getline(members, m, ',')) {
                if (m != user_name) continue;
                if (auto gid = number(g[2]); gid && *gid != r.gid) r.additional_gids.push_back(*gid);
            }
        }
    }
    for (const auto& g : group_add) r.additional_gids.push_back(resolve_group(groups, g));
    return r;
}

}  // namespace berth::engine
