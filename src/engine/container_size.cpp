#include "engine/container_size.hpp"

#include "common/directory_size.hpp"
#include "common/error.hpp"
#include "image/image_store.hpp"

namespace berth::engine {

ContainerSize container_size(const storage::Snapshot& snapshot, image::ImageStore& images,
                             const std::string& image_id) {
    ContainerSize s;
    s.rw = directory_size(snapshot.upper);
    std::optional<int64_t> layers;
    try {
        if (!image_id.empty()) {
            if (auto rec = images.get_image(image::Digest::parse(image_id))) layers = rec->size;
        }
    } catch (const Error&) {
    }
    if (!layers) {
        layers = 0;
        for (const auto& l : snapshot.lowers) *layers += directory_size(l);
    }
    s.root_fs = s.rw + *layers;
    return s;
}

}  // namespace berth::engine
