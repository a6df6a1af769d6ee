#pragma once
// Typed access to a JSON document that remembers where it is, so every error names
// the document and the JSON path: `config.json: process.args[2]: expected a string, got number`.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace berth {

using Json = nlohmann::json;

// Parses text as JSON; on a syntax error throws invalid_argument naming `doc` and the byte offset.
Json parse_json(std::string_view text, const std::string& doc);

class JsonReader {
public:
    JsonReader(const Json& value, std::string doc, std::string path = "")
        : value_(&value), doc_(std::move(doc)), path_(std::move(path)) {}

    const Json& raw() const { return *value_; }
    const std::string& path() const { return path_; }
    bool is_null() const { return value_->is_null(); }
    bool is_object() const { return value_->is_object(); }
    bool is_array() const { return value_->is_array(); }

    [[noreturn]] void fail(const std::string& problem) const;

    // Members of an object. `at` requires the key; `get` returns nullopt when absent or null.
    bool has(const char* key) const;
    JsonReader at(const char* key) const;
    std::optional<JsonReader> get(const char* key) const;

    // Array elements; an absent/null value reads as an empty array.
    size_t size() const;
    JsonReader operator[](size_t index) const;
    std::vector<JsonReader> elements() const;
    // Object entries in key order.
    std::vector<std::pair<std::string, JsonReader>> entries() const;

    std::string as_string() const;
    bool as_bool() const;
    int64_t as_int() const;
    uint64_t as_uint() const;

    // Conveniences for optional members.
    std::string string_or(const char* key, std::string fallback) const;
    bool bool_or(const char* key, bool fallback) const;
    std::optional<int64_t> opt_int(const char* key) const;
    std::optional<uint64_t> opt_uint(const char* key) const;
    std::optional<std::string> opt_string(const char* key) const;
    std::vector<std::string> string_list(const char* key) const;
    std::map<std::string, std::string> string_map(const char* key) const;

    void require_object() const;
    void require_array() const;

private:
    std::string child_path(const char* key) const;
    const Json* value_;
    std::string doc_;
    std::string path_;
};

const char* json_type_name(const Json& value);

}  // namespace berth
