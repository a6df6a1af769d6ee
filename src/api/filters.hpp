#pragma once
// Docker's filters.Args: the `filters` query parameter, a JSON object of key -> values, in the
// current form {"label":["a=b"]} or the old one {"label":{"a=b":true}}. Shared by every list
// endpoint (containers, images, events, networks, volumes).
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace berth::api {

class Filters {
  public:
    Filters() = default;
    // Empty text is an empty filter set; malformed JSON or a wrong shape is invalid_argument.
    static Filters parse(std::string_view json_text);

    bool empty() const { return values_.empty(); }
    bool contains(std::string_view key) const;
    std::vector<std::string> values(std::string_view key) const;
    // True when key is absent or one of its values equals value.
    bool match_exact(std::string_view key, std::string_view value) const;
    // moby's FuzzyMatch: true when key is absent, or source equals a value or starts with one
    // (an id prefix).
    bool match_fuzzy(std::string_view key, std::string_view source) const;
    // Label filters: every "k" or "k=v" value under key must be satisfied by labels.
    bool match_labels(std::string_view key, const std::map<std::string, std::string>& labels) const;
    // Throws invalid_argument "invalid filter 'k'" for a key outside accepted (moby's Validate).
    void validate(std::initializer_list<std::string_view> accepted) const;

    void add(std::string key, std::string value) {
        values_[std::move(key)].insert(std::move(value));
    }

  private:
    std::map<std::string, std::set<std::string>, std::less<>> values_;
};

}  // namespace berth::api
