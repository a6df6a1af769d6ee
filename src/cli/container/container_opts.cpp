#include "cli/container/container_opts.hpp"

#include <charconv>

#include "cli/flags/flag_set.hpp"

namespace berth::cli {

namespace {

[[noreturn]] void invalid(const std::string& message) {
    throw Error(Errc::invalid_argument, message);
}

bool parse_int64(std::string_view text, int64_t& out) {
    if (text.empty()) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

std::string trim_left(std::string s) {
    size_t start = s.find_first_not_of(" \t");
    return start == std::string::npos ? "" : s.substr(start);
}

}  // namespace

std::string resolve_env(const std::string& value, const EnvLookup& lookup) {
    if (value.find('=') != std::string::npos || !lookup) return value;
    if (auto found = lookup(value)) return value + "=" + *found;
    return value;
}

std::vector<std::string> parse_env_file(const std::string& path, const std::string& content,
                                        const EnvLookup& lookup) {
    std::vector<std::string> out;
    size_t start = 0;
    int line_no = 0;
    while (start <= content.size()) {
        size_t nl = content.find('\n', start);
        std::string line =
            content.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        start = nl == std::string::npos ? content.size() + 1 : nl + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        line = trim_left(line);
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        std::string name = line.substr(0, eq);
        // docker/cli says "env file" for --label-file too.
        if (name.empty())
            invalid("invalid env file (" + path + "): no variable name on line '" + line + "'");
        if (name.find_first_of(" \t") != std::string::npos)
            invalid("invalid env file (" + path + "): variable '" + name +
                    "' contains whitespaces");
        if (eq != std::string::npos) {
            out.push_back(line);
        } else if (lookup) {
            if (auto found = lookup(name)) out.push_back(name + "=" + *found);
        } else {
            out.push_back(line);
        }
    }
    return out;
}

Json parse_ulimit(const std::string& value) {
    auto eq = value.find('=');
    if (eq == std::string::npos) invalid("invalid ulimit argument: " + value);
    std::string name = value.substr(0, eq);
    static const char* kNames[] = {"core",    "cpu",      "data",   "fsize",      "locks",
                                   "memlock", "msgqueue", "nice",   "nofile",     "nproc",
                                   "rss",     "rtprio",   "rttime", "sigpending", "stack"};
    bool known = false;
    for (const char* k : kNames) known = known || name == k;
    if (!known) invalid("invalid ulimit type: " + name);
    std::string limits = value.substr(eq + 1);
    auto colon = limits.find(':');
    int64_t soft = 0, hard = 0;
    if (!parse_int64(limits.substr(0, colon), soft)) invalid("invalid ulimit argument: " + value);
    hard = soft;
    if (colon != std::string::npos) {
        if (!parse_int64(limits.substr(colon + 1), hard))
            invalid("invalid ulimit argument: " + value);
        if (soft > hard)
            invalid("ulimit soft limit must be less than or equal to hard limit: " +
                    std::to_string(soft) + " > " + std::to_string(hard));
    }
    Json u = Json::object();
    u["Name"] = name;
    u["Hard"] = hard;
    u["Soft"] = soft;
    return u;
}

Json parse_restart_policy(const std::string& value) {
    Json policy = Json::object();
    policy["Name"] = "";
    policy["MaximumRetryCount"] = 0;
    if (value.empty()) return policy;
    auto colon = value.find(':');
    std::string name = value.substr(0, colon);
    if (colon != std::string::npos && name.empty())
        invalid("invalid restart policy format: no policy provided before colon");
    if (name != "no" && name != "always" && name != "unless-stopped" && name != "on-failure")
        invalid("invalid restart policy: unknown policy '" + name +
                "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
    if (colon != std::string::npos) {
        int64_t count = 0;
        if (!parse_int64(value.substr(colon + 1), count))
            invalid("invalid restart policy format: maximum retry count must be an integer");
        if (name != "on-failure")
            invalid(
                "invalid restart policy: maximum retry count can only be used with 'on-failure'");
        if (count < 0) invalid("invalid restart policy: maximum retry count cannot be negative");
        policy["MaximumRetryCount"] = count;
    }
    policy["Name"] = name;
    return policy;
}

int64_t parse_cpus(const std::string& value) {
    // Exact decimal: integer part and up to 9 fractional digits.
    std::string_view v = value;
    auto bad = [&]() {
        return UsageError("invalid argument \"" + value +
                          "\" for \"--cpus\" flag: failed to parse " + value +
                          " as a rational number");
    };
    if (v.empty()) throw bad();
    auto dot = v.find('.');
    std::string_view whole = v.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
    int64_t w = 0;
    if (!whole.empty() && !parse_int64(whole, w)) throw bad();
    if (whole.empty() && frac.empty()) throw bad();
    for (char c : frac)
        if (c < '0' || c > '9') throw bad();
    std::string f(frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (f.size() > 9)
        throw UsageError("invalid argument \"" + value +
                         "\" for \"--cpus\" flag: value is too precise");
    while (f.size() < 9) f += '0';
    int64_t nanos = w * 1'000'000'000 + std::stoll(f);
    return nanos;
}

Json parse_device(const std::string& value) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        auto colon = value.find(':', start);
        parts.push_back(
            value.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    Json d = Json::object();
    std::string host = parts[0], ctr = parts[0], perms = "rwm";
    if (parts.size() == 2) {
        bool is_mode = !parts[1].empty() && parts[1].find_first_not_of("rwm") == std::string::npos;
        if (is_mode)
            perms = parts[1];
        else
            ctr = parts[1];
    } else if (parts.size() == 3) {
        ctr = parts[1];
        perms = parts[2];
        if (perms.empty() || perms.find_first_not_of("rwm") != std::string::npos)
            invalid("bad mode specified: " + perms);
    } else if (parts.size() > 3) {
        invalid("bad format for path: " + value);
    }
    if (host.empty()) invalid("bad format for path: " + value);
    d["PathOnHost"] = host;
    d["PathInContainer"] = ctr;
    d["CgroupPermissions"] = perms;
    return d;
}

std::vector<std::string> parse_security_opts(const std::vector<std::string>& values,
                                             const FileReader& read) {
    std::vector<std::string> out;
    for (const auto& opt : values) {
        if (opt == "no-new-privileges") {
            out.push_back(opt);
            continue;
        }
        auto sep = opt.find('=');
        if (sep == std::string::npos) sep = opt.find(':');
        if (sep == std::string::npos) invalid("Invalid --security-opt: \"" + opt + "\"");
        std::string key = opt.substr(0, sep), val = opt.substr(sep + 1);
        if (key == "seccomp" && val != "unconfined" && val != "builtin") {
            std::string content = read(val);
            auto parsed = Json::parse(content, nullptr, false);
            if (parsed.is_discarded())
                invalid("compacting json for seccomp profile (" + val + ") failed");
            out.push_back("seccomp=" + parsed.dump());
            continue;
        }
        out.push_back(key + "=" + val);
    }
    return out;
}

void parse_ports(const std::vector<std::string>& specs, Json& exposed, Json& bindings) {
    for (const auto& spec : specs) {
        std::string proto = "tcp";
        std::string body = spec;
        if (auto slash = body.rfind('/'); slash != std::string::npos) {
            proto = body.substr(slash + 1);
            body = body.substr(0, slash);
        }
        // ip:hostPort:containerPort | hostPort:containerPort | containerPort
        std::string ip, host_port, ctr_port;
        auto last = body.rfind(':');
        if (last == std::string::npos) {
            ctr_port = body;
        } else {
            ctr_port = body.substr(last + 1);
            std::string rest = body.substr(0, last);
            auto first = rest.rfind(':');
            if (first == std::string::npos) {
                host_port = rest;
            } else {
                ip = rest.substr(0, first);
                host_port = rest.substr(first + 1);
                if (ip.size() > 1 && ip.front() == '[' && ip.back() == ']')
                    ip = ip.substr(1, ip.size() - 2);
            }
        }
        int64_t n = 0;
        if (!parse_int64(ctr_port, n) || n <= 0 || n > 65535)
            invalid("invalid containerPort: " + ctr_port);
        std::string key = ctr_port + "/" + proto;
        exposed[key] = Json::object();
        Json binding = Json::object();
        binding["HostIp"] = ip;
        binding["HostPort"] = host_port;
        if (!bindings.contains(key)) bindings[key] = Json::array();
        bindings[key].push_back(binding);
    }
}

void parse_key_value(const std::string& value, Json& map) {
    auto eq = value.find('=');
    std::string key = value.substr(0, eq);
    if (key.empty()) invalid("invalid label '" + value + "': empty name");
    map[key] = eq == std::string::npos ? "" : value.substr(eq + 1);
}

}  // namespace berth::cli
