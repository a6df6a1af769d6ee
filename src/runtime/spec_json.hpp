#pragma once
// Number and option readers shared by the config.json parsers (spec.cpp, spec_resources.cpp):
// range checks whose errors name the JSON path.
#include <cstdint>
#include <optional>
#include <string>

#include "common/json_reader.hpp"

namespace berth::runtime {

inline uint32_t as_u32(const JsonReader& r) {
    uint64_t v = r.as_uint();
    if (v > UINT32_MAX) r.fail("value " + std::to_string(v) + " does not fit in 32 bits");
    return static_cast<uint32_t>(v);
}

inline std::optional<uint32_t> opt_u32(const JsonReader& r, const char* key) {
    auto v = r.get(key);
    if (!v) return std::nullopt;
    return as_u32(*v);
}

inline std::optional<uint16_t> opt_u16(const JsonReader& r, const char* key) {
    auto v = r.get(key);
    if (!v) return std::nullopt;
    uint64_t n = v->as_uint();
    if (n > UINT16_MAX) v->fail("value " + std::to_string(n) + " does not fit in 16 bits");
    return static_cast<uint16_t>(n);
}

inline std::optional<bool> opt_bool(const JsonReader& r, const char* key) {
    auto v = r.get(key);
    if (!v) return std::nullopt;
    return v->as_bool();
}

}  // namespace berth::runtime
