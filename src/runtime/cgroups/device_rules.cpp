#include "runtime/cgroups/device_rules.hpp"

#include "common/error.hpp"

namespace berth::runtime::cgroups {

void check_device_rule(const DeviceRule& rule) {
    if (rule.type != 'a' && rule.type != 'b' && rule.type != 'c') {
        throw Error(Errc::invalid_argument, std::string("cgroup: device rule type '") + rule.type +
                                                "' is not one of a, b, c");
    }
    for (char c : rule.access) {
        if (c != 'r' && c != 'w' && c != 'm') {
            throw Error(Errc::invalid_argument, "cgroup: device rule access \"" + rule.access +
                                                    "\" is not a subset of rwm");
        }
    }
    if ((rule.major && *rule.major < 0) || (rule.minor && *rule.minor < 0)) {
        throw Error(Errc::invalid_argument, "cgroup: device rule major/minor must not be negative");
    }
}

std::string rule_access(const DeviceRule& rule) {
    return rule.access.empty() ? "rwm" : rule.access;
}

std::string device_rule_line(const DeviceRule& rule) {
    if (rule.type == 'a') return "a";
    std::string line(1, rule.type);
    line += ' ';
    line += rule.major ? std::to_string(*rule.major) : "*";
    line += ':';
    line += rule.minor ? std::to_string(*rule.minor) : "*";
    line += ' ';
    line += rule_access(rule);
    return line;
}

}  // namespace berth::runtime::cgroups
