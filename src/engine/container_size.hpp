#pragma once
// SizeRw and SizeRootFs of `ps -s` and `inspect --size`, as Docker reports them: SizeRw is
// the bytes in the container's writable layer (its overlay upper dir); SizeRootFs adds the
// image's layers (their unpacked size).
#include <cstdint>
#include <string>

#include "storage/snapshotter.hpp"

namespace berth::image {
class ImageStore;
}

namespace berth::engine {

struct ContainerSize {
    int64_t rw = 0;
    int64_t root_fs = 0;
};

// `image_id` ("sha256:..."): its recorded size counts for the layers; if the image is gone
// (removed with --force) the snapshot's lower dirs are measured instead.
ContainerSize container_size(const storage::Snapshot& snapshot, image::ImageStore& images,
                             const std::string& image_id);

}  // namespace berth::engine
