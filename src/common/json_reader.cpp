#include "common/json_reader.hpp"

#include "common/error.hpp"
#include "common/json_depth.hpp"

namespace berth {

Json parse_json(std::string_view text, const std::string& doc) {
    // Before the parse: the value it would build is what recurses (see json_depth.hpp).
    if (json_nesting_exceeds(text)) {
        throw Error(Errc::invalid_argument, doc + ": exceeded max depth of " +
                                                std::to_string(kMaxJsonDepth) +
                                                " nested arrays and objects");
    }
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        throw Error(Errc::invalid_argument, doc + ": malformed JSON at byte " + std::to_string(e.byte) +
                                                ": " + e.what());
    } catch (const Json::exception& e) {
        // Valid syntax the library still refuses, e.g. a number too large for a double.
        throw Error(Errc::invalid_argument, doc + ": unusable JSON: " + e.what());
    }
}

const char* json_type_name(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return "null";
        case Json::value_t::object: return "object";
        case Json::value_t::array: return "array";
        case Json::value_t::string: return "string";
        case Json::value_t::boolean: return "boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned: return "integer";
        case Json::value_t::number_float: return "number";
        default: return "value";
    }
}

void JsonReader::fail(const std::string& problem) const {
    std::string where = path_.empty() ? "(top level)" : path_;
    throw Error(Errc::invalid_argument, doc_ + ": " + where + ": " + problem);
}

std::string JsonReader::child_path(const char* key) const {
    return path_.empty() ? std::string(key) : path_ + "." + key;
}

void JsonReader::require_object() const {
    if (!value_->is_object()) fail(std::string("expected an object, got ") + json_type_name(*value_));
}

void JsonReader::require_array() const {
    if (!value_->is_array()) fail(std::string("expected an array, got ") + json_type_name(*value_));
}

bool JsonReader::has(const char* key) const {
    require_object();
    auto it = value_->find(key);
    return it != value_->end() && !it->is_null();
}

JsonReader JsonReader::at(const char* key) const {
    require_object();
    auto it = value_->find(key);
    if (it == value_->end() || it->is_null()) {
        JsonReader(*value_, doc_, child_path(key)).fail("required but missing");
    }
    return JsonReader(*it, doc_, child_path(key));
}

std::optional<JsonReader> JsonReader::get(const char* key) const {
    require_object();
    auto it = value_->find(key);
    if (it == value_->end() || it->is_null()) return std::nullopt;
    return JsonReader(*it, doc_, child_path(key));
}

size_t JsonReader::size() const {
    if (value_->is_null()) return 0;
    require_array();
    return value_->size();
}

JsonReader JsonReader::operator[](size_t index) const {
    require_array();
    return JsonReader((*value_)[index], doc_, path_ + "[" + std::to_string(index) + "]");
}

std::vector<JsonReader> JsonReader::elements() const {
    std::vector<JsonReader> out;
    size_t n = size();
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back((*this)[i]);
    return out;
}

std::vector<std::pair<std::string, JsonReader>> JsonReader::entries() const {
    std::vector<std::pair<std::string, JsonReader>> out;
    if (value_->is_null()) return out;
    require_object();
    for (auto it = value_->begin(); it != value_->end(); ++it) {
        out.emplace_back(it.key(), JsonReader(it.value(), doc_, child_path(it.key().c_str())));
    }
    return out;
}

std::string JsonReader::as_string() const {
    if (!value_->is_string()) fail(std::string("expected a string, got ") + json_type_name(*value_));
    return value_->get<std::string>();
}

bool JsonReader::as_bool() const {
    if (!value_->is_boolean()) fail(std::string("expected a boolean, got ") + json_type_name(*value_));
    return value_->get<bool>();
}

int64_t JsonReader::as_int() const {
    if (value_->is_number_unsigned()) {
        auto v = value_->get<uint64_t>();
        if (v > static_cast<uint64_t>(INT64_MAX)) fail("integer out of range");
        return static_cast<int64_t>(v);
    }
    if (!value_->is_number_integer()) fail(std::string("expected an integer, got ") + json_type_name(*value_));
    return value_->get<int64_t>();
}

uint64_t JsonReader::as_uint() const {
    if (value_->is_number_unsigned()) return value_->get<uint64_t>();
    if (value_->is_number_integer()) {
        auto v = value_->get<int64_t>();
        if (v < 0) fail("expected a non-negative integer, got " + std::to_string(v));
        return static_cast<uint64_t>(v);
    }
    fail(std::string("expected a non-negative integer, got ") + json_type_name(*value_));
}

std::string JsonReader::string_or(const char* key, std::string fallback) const {
    auto v = get(key);
    return v ? v->as_string() : std::move(fallback);
}

bool JsonReader::bool_or(const char* key, bool fallback) const {
    auto v = get(key);
    return v ? v->as_bool() : fallback;
}

std::optional<int64_t> JsonReader::opt_int(const char* key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    return v->as_int();
}

std::optional<uint64_t> JsonReader::opt_uint(const char* key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    return v->as_uint();
}

std::optional<std::string> JsonReader::opt_string(const char* key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    return v->as_string();
}

std::vector<std::string> JsonReader::string_list(const char* key) const {
    std::vector<std::string> out;
    auto v = get(key);
    if (!v) return out;
    for (const auto& e : v->elements()) out.push_back(e.as_string());
    return out;
}

std::map<std::string, std::string> JsonReader::string_map(const char* key) const {
    std::map<std::string, std::string> out;
    auto v = get(key);
    if (!v) return out;
    for (const auto& [k, e] : v->entries()) out.emplace(k, e.as_string());
    return out;
}

}  // namespace berth
