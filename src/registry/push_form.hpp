#pragma once
// The form an image is pushed in. A pulled or loaded image goes as stored, its manifest byte
// for byte. An image whose layers are uncompressed tars (commit, import, the built-in busybox)
// goes with each such layer in its gzip form, as Docker pushes: compressed once, kept in the
// content store as one of the image's blobs, remembered in RegistryRecords, so a second push
// (to any registry) finds the same blob and the same manifest digest without compressing
// again.
#include <string>

#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/manifest.hpp"
#include "registry/registry_records.hpp"

namespace berth::registry {

struct PushForm {
    std::string manifest_bytes;
    image::Digest manifest_digest;
    image::Manifest manifest;
};

PushForm push_form(image::ContentStore& content, image::ImageStore& images,
                   RegistryRecords* records, image::LeaseManager* leases,
                   const image::ImageRecord& record);

// gzip (zlib level 6, as Docker's) of a stored blob into the content store; deterministic,
// so the same layer always compresses to the same digest.
image::Digest gzip_blob(image::ContentStore& content, const image::Digest& plain, image::Lease* lease);

}  // namespace berth::registry
