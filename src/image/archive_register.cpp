#include "image/archive_register.hpp"

#include <unistd.h>

#include <ctime>

#include "common/error.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/media_types.hpp"
#include "image/reference.hpp"

namespace berth::image {

std::string sniff_layer_media_type(std::string_view head) {
    auto at = [&](size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0; };
    if (head.size() >= 2 && at(0) == 0x1f && at(1) == 0x8b)
        return std::string(media_type::kOciLayerGzip);
    if (head.size() >= 4 && at(0) == 0x28 && at(1) == 0xb5 && at(2) == 0x2f && at(3) == 0xfd) {
        return std::string(media_type::kOciLayerZstd);
    }
    return std::string(media_type::kOciLayer);
}

std::string sniff_layer_media_type(ContentStore& content, const Digest& blob) {
    UniqueFd fd = content.open_blob(blob);
    char magic[4] = {};
    ssize_t n = ::read(fd.get(), magic, sizeof magic);
    return sniff_layer_media_type(std::string_view(magic, n > 0 ? static_cast<size_t>(n) : 0));
}

Digest register_image(const ArchiveTargets& targets, const NewImage& image, Lease* lease,
                      const BlobReadyFn& blob_ready) {
    ContentStore& content = targets.content;
    auto ready = [&](const Digest& d) {
        if (blob_ready) blob_ready(d);
    };
    ready(image.config);
    std::string config_json = content.read_blob(image.config);
    ImageConfig config = parse_image_config(config_json, "image config " + image.config.str());
    if (config.diff_ids.size() != image.layers.size()) {
        throw Error(Errc::invalid_argument,
                    "image " + image.config.str() + " has " + std::to_string(image.layers.size()) +
                        " layers but its config lists " + std::to_string(config.diff_ids.size()) +
                        " diff ids");
    }
    Digest manifest_digest;
    std::string config_media_type(media_type::kOciConfig);
    std::string manifest_media_type(media_type::kOciManifest);
    if (image.manifest) {
        manifest_digest = *image.manifest;
        ready(manifest_digest);
        Manifest m =
            parse_manifest(content.read_blob(manifest_digest), "manifest " + manifest_digest.str());
        config_media_type = m.config.media_type;
        if (m.docker) manifest_media_type = media_type::kDockerManifest;
    } else {
        Json m = {{"schemaVersion", 2},
                  {"mediaType", media_type::kOciManifest},
                  {"config",
                   {{"mediaType", media_type::kOciConfig},
                    {"digest", image.config.str()},
                    {"size", config_json.size()}}},
                  {"layers", Json::array()}};
        for (const auto& l : image.layers) m["layers"].push_back(l.to_json());
        manifest_digest = content.put(m.dump(), lease);
    }

    std::vector<Digest> chains = chain_ids(config.diff_ids);
    ImageRecord record;
    record.id = image.config;
    record.manifest = manifest_digest;
    record.created = config.created;
    record.layers = chains;
    record.parent = image.parent;
    record.added = static_cast<int64_t>(::time(nullptr));
    record.blobs.push_back(
        {image.config, config_media_type, static_cast<int64_t>(config_json.size())});
    record.blobs.push_back({manifest_digest, manifest_media_type,
                            static_cast<int64_t>(content.info(manifest_digest).size)});
    std::vector<LayerRecord> layers;
    for (size_t i = 0; i < chains.size(); ++i) {
        const Descriptor& blob = image.layers[i];
        record.blobs.push_back({blob.digest, blob.media_type, blob.size});
        LayerRecord layer;
        layer.chain_id = chains[i];
        layer.diff_id = config.diff_ids[i];
        if (i > 0) layer.parent = chains[i - 1];
        layer.size = blob.size;
        if (targets.unpack) {
            if (lease) lease->add(chains[i]);
            ready(blob.digest);
            UniqueFd fd = content.open_blob(blob.digest);
            layer.size = static_cast<int64_t>(
                targets.unpack(chains[i], config.diff_ids[i], layer.parent, fd.get()));
        }
        record.size += layer.size;
        layers.push_back(std::move(layer));
    }
    for (const auto& l : image.layers) ready(l.digest);  // never record a blob not yet durable
    targets.images.add_image(record, layers);
    for (const auto& tag : image.tags) {
        Reference ref = Reference::parse(tag);
        targets.images.set_tag(ref.str(), record.id, ref.has_digest());
    }
    return record.id;
}

}  // namespace berth::image
