// Fuzzes manifest/index detection and parsing: any input either parses or throws
// berth::Error; nothing else (no crash, no other exception type).
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "image/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        berth::image::detect_manifest_kind(text);
    } catch (const berth::Error&) {
    }
    try {
        berth::image::parse_manifest(text);
    } catch (const berth::Error&) {
    }
    try {
        berth::image::parse_index(text);
    } catch (const berth::Error&) {
    }
    return 0;
}
