#include "api/filters.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/json_depth.hpp"

namespace berth::api {

Filters Filters::parse(std::string_view json_text) {
    Filters f;
    if (json_text.empty()) return f;
    if (json_nesting_exceeds(json_text)) {
        throw Error(Errc::invalid_argument, "invalid filter: exceeded max depth of " +
                                                std::to_string(kMaxJsonDepth));
    }
    nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        throw Error(Errc::invalid_argument,
                    "invalid filter: filters must be a JSON object of key to values, got \"" +
                        std::string(json_text) + "\"");
    }
    for (const auto& [key, value] : doc.items()) {
        if (value.is_array()) {
            for (const auto& v : value) {
                if (!v.is_string())
                    throw Error(Errc::invalid_argument,
                                "invalid filter '" + key + "': values must be strings");
                f.add(key, v.get<std::string>());
            }
        } else if (value.is_object()) {
            for (const auto& [v, on] : value.items()) {
                if (!on.is_boolean())
                    throw Error(Errc::invalid_argument,
                                "invalid filter '" + key + "': values must be true or false");
                if (on.get<bool>()) f.add(key, v);
            }
        } else {
            throw Error(Errc::invalid_argument,
                        "invalid filter '" + key + "': expected a list of strings");
        }
    }
    return f;
}

bool Filters::contains(std::string_view key) const {
    return values_.find(key) != values_.end();
}

std::vector<std::string> Filters::values(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

bool Filters::match_exact(std::string_view key, std::string_view value) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    return it->second.count(std::string(value)) > 0;
}

bool Filters::match_fuzzy(std::string_view key, std::string_view source) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& v) { return source.starts_with(v); });
}

bool Filters::match_labels(std::string_view key,
                           const std::map<std::string, std::string>& labels) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    return std::all_of(it->second.begin(), it->second.end(), [&](const std::string& want) {
        auto eq = want.find('=');
        auto l = labels.find(want.substr(0, eq));
        if (l == labels.end()) return false;
        return eq == std::string::npos || l->second == want.substr(eq + 1);
    });
}

void Filters::validate(std::initializer_list<std::string_view> accepted) const {
    for (const auto& [key, _] : values_) {
        if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
            throw Error(Errc::invalid_argument, "invalid filter '" + key + "'");
    }
}

}  // namespace berth::api
