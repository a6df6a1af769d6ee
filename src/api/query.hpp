#pragma once
// The query string of a request, decoded the way Go's url.ParseQuery does ('+' is a space,
// %XX escapes), with Docker's readings of booleans and integers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::api {

class Query {
  public:
    Query() = default;
    // Throws invalid_argument on a malformed %-escape.
    static Query parse(std::string_view raw);

    bool has(std::string_view key) const;
    // First value of key, or nullopt.
    std::optional<std::string> get(std::string_view key) const;
    std::string get_or(std::string_view key, std::string fallback) const;
    // Every value of a repeated key (?a=1&a=2).
    std::vector<std::string> all(std::string_view key) const;

    // moby's httputils.BoolValue: absent, "", "0", "no", "false", "none" (any case) are false,
    // anything else ("1", "true", "True", "yes") is true.
    bool get_bool(std::string_view key) const;
    // moby's BoolValueOrDefault: the fallback only when the key is absent.
    bool get_bool_or(std::string_view key, bool fallback) const;
    // Absent or empty -> nullopt; not an integer -> invalid_argument naming the key.
    std::optional<int64_t> get_int(std::string_view key) const;

    const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

  private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

// Decodes %XX and '+'; throws invalid_argument on a bad escape.
std::string url_decode(std::string_view text);

}  // namespace berth::api
