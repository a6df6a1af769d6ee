// Fuzzes the image config parser (and chain id computation over what it yields).
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "image/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        berth::image::ImageConfig c = berth::image::parse_image_config(text);
        berth::image::chain_ids(c.diff_ids);
        berth::image::run_config_to_json(c.config);
    } catch (const berth::Error&) {
    }
    return 0;
}
