#include "engine/log_attrs.hpp"

#include <map>
#include <regex>

#include "common/error.hpp"

namespace berth::engine {

namespace {

std::string option(const Json& log_config, const char* key) {
    auto it = log_config.find(key);
    return it != log_config.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t comma = s.find(',', start);
        out.push_back(s.substr(start, comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

// Go's regexp.MatchString finds the pattern anywhere in the key.
void add_matching(const std::string& pattern, const char* name,
                  const std::map<std::string, std::string>& from, std::map<std::string, std::string>& to) {
    if (pattern.empty()) return;
    std::regex re;
    try {
        re = std::regex(pattern);
    } catch (const std::regex_error& e) {
        throw Error(Errc::invalid_argument,
                    "invalid value for log option " + std::string(name) + ": \"" + pattern + "\": " + e.what());
    }
    for (const auto& [k, v] : from)
        if (std::regex_search(k, re)) to[k] = v;
}

}  // namespace

std::string log_attributes_json(const Json& log_config, const Json& config) {
    if (!log_config.is_object()) return "";
    std::map<std::string, std::string> labels, env, attrs;
    if (auto l = config.find("Labels"); l != config.end() && l->is_object())
        for (auto it = l->begin(); it != l->end(); ++it)
            if (it->is_string()) labels[it.key()] = it->get<std::string>();
    if (auto e = config.find("Env"); e != config.end() && e->is_array())
        for (const auto& entry : *e) {
            if (!entry.is_string()) continue;
            const std::string& s = entry.get_ref<const std::string&>();
            size_t eq = s.find('=');
            if (eq != std::string::npos) env[s.substr(0, eq)] = s.substr(eq + 1);
        }
    for (const auto& key : split_commas(option(log_config, "labels")))
        if (auto it = labels.find(key); it != labels.end()) attrs[key] = it->second;
    add_matching(option(log_config, "labels-regex"), "labels-regex", labels, attrs);
    for (const auto& key : split_commas(option(log_config, "env")))
        if (auto it = env.find(key); it != env.end()) attrs[key] = it->second;
    add_matching(option(log_config, "env-regex"), "env-regex", env, attrs);
    if (attrs.empty()) return "";
    Json j = Json::object();
    for (const auto& [k, v] : attrs) j[k] = v;
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace berth::engine
