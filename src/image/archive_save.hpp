#pragma once
// `docker save`: images out of the stores as an archive.
//
// The docker format is what Docker 25+ writes: an OCI image layout (oci-layout,
// index.json, blobs/sha256/...) plus manifest.json (Config, RepoTags, Layers) and
// repositories for older readers. The oci format is the plain OCI image layout; manifests
// Docker-typed are rewritten with OCI media types there (the config, so the image id,
// stays the same), since strict OCI tools such as umoci take nothing else.
#include <string>
#include <vector>

namespace berth::image {

class ContentStore;
class ImageStore;

enum class SaveFormat { docker, oci };

// `names` are references ("busybox", "x/y:1") or image ids (full or unique prefix).
// A reference saves the image under that tag; an id saves it untagged.
void save_archive(int fd, ContentStore& content, ImageStore& images, const std::vector<std::string>& names,
                  SaveFormat format = SaveFormat::docker);
// The same as a directory (created if missing, must not hold another layout).
void save_layout_dir(const std::string& dir, ContentStore& content, ImageStore& images,
                     const std::vector<std::string>& names, SaveFormat format = SaveFormat::oci);

}  // namespace berth::image
