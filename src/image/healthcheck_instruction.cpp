#include "image/healthcheck_instruction.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/duration_format.hpp"
#include "common/error.hpp"
#include "common/json_depth.hpp"
#include "common/json_reader.hpp"

namespace berth::image {

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

size_t skip_space(const std::string& s, size_t i) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

// A duration flag: 0 (the default) or at least 1ms, as moby's parseOptInterval.
int64_t interval_flag(const std::string& name, const std::string& value) {
    int64_t ns = parse_go_duration(value);
    if (ns == 0) return 0;
    if (ns < 1'000'000) {
        throw Error(Errc::invalid_argument, "Interval \"" + name + "\" cannot be less than 1ms");
    }
    return ns;
}

}  // namespace

HealthConfig parse_healthcheck_instruction(const std::string& rest) {
    HealthConfig h;
    size_t i = skip_space(rest, 0);
    // --flag=value words first.
    while (rest.compare(i, 2, "--") == 0) {
        size_t end = i;
        while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
        std::string word = rest.substr(i + 2, end - i - 2);
        i = skip_space(rest, end);
        size_t eq = word.find('=');
        std::string name = word.substr(0, eq);
        if (eq == std::string::npos) {
            throw Error(Errc::invalid_argument, "Missing a value on flag: --" + name);
        }
        std::string value = word.substr(eq + 1);
        if (name == "interval") {
            h.interval = interval_flag(name, value);
        } else if (name == "timeout") {
            h.timeout = interval_flag(name, value);
        } else if (name == "start-period") {
            h.start_period = interval_flag(name, value);
        } else if (name == "start-interval") {
            h.start_interval = interval_flag(name, value);
        } else if (name == "retries") {
            int n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || p != value.data() + value.size()) {
                throw Error(Errc::invalid_argument, "strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
            }
            if (n < 0) throw Error(Errc::invalid_argument, "--retries cannot be negative (" + value + ")");
            h.retries = n;
        } else {
            throw Error(Errc::invalid_argument, "Unknown flag: " + name);
        }
    }
    size_t end = i;
    while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
    std::string type = upper(rest.substr(i, end - i));
    std::string args = rest.substr(skip_space(rest, end));
    while (!args.empty() && std::isspace(static_cast<unsigned char>(args.back()))) args.pop_back();
    if (type == "NONE") {
        if (!args.empty()) {
            throw Error(Errc::invalid_argument, "HEALTHCHECK NONE takes no arguments");
        }
        h.test = {"NONE"};
        return h;
    }
    if (type != "CMD") {
        throw Error(Errc::invalid_argument, "Unknown type \"" + type + "\" in HEALTHCHECK (try CMD)");
    }
    if (args.empty()) throw Error(Errc::invalid_argument, "Missing command after HEALTHCHECK CMD");
    if (args.front() == '[' && !json_nesting_exceeds(args)) {
        try {
            Json j = Json::parse(args);
            if (j.is_array() && !j.empty() &&
                std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_string(); })) {
                h.test = {"CMD"};
                for (const auto& e : j) h.test.push_back(e.get<std::string>());
                return h;
            }
        } catch (const Json::exception&) {
        }
    }
    h.test = {"CMD-SHELL", args};
    return h;
}

}  // namespace berth::image
