#pragma once
// A data root with a content store, a database and an image store, plus a helper that
// makes a small image (config blob, layer records, tag) without unpacking anything.
#include <map>
#include <string>
#include <vector>

#include "image/content_store.hpp"
#include "image/image_store.hpp"
#include "image/manifest.hpp"
#include "image/reference.hpp"
#include "state/database.hpp"
#include "test_dir.hpp"

namespace berth::image::test {

struct ImageSpec {
    std::vector<std::string> layers;  // layer "contents": diff id = sha256 of the string
    std::string created = "2024-01-01T00:00:00Z";
    std::map<std::string, std::string> labels;
    std::string parent;
    std::vector<std::string> history_created_by;  // defaults to one entry per layer
    std::vector<bool> empty_layer;
};

class ImageFixture {
public:
    TempDir tmp;
    ContentStore content{tmp.path()};
    state::Database db{tmp.path() + "/berth.db"};
    ImageStore store{db};

    Digest make_image(const ImageSpec& spec, const std::string& tag = "") {
        std::vector<Digest> diffs;
        for (const auto& l : spec.layers) diffs.push_back(Digest::sha256_of(l));
        Json diff_json = Json::array();
        for (const auto& d : diffs) diff_json.push_back(d.str());
        Json history = Json::array();
        if (spec.history_created_by.empty()) {
            for (const auto& l : spec.layers) history.push_back({{"created", spec.created}, {"created_by", "ADD " + l}});
        } else {
            for (size_t i = 0; i < spec.history_created_by.size(); ++i) {
                Json h = {{"created", spec.created}, {"created_by", spec.history_created_by[i]}};
                if (i < spec.empty_layer.size() && spec.empty_layer[i]) h["empty_layer"] = true;
                history.push_back(h);
            }
        }
        Json config = {{"architecture", "amd64"},
                       {"os", "linux"},
                       {"created", spec.created},
                       {"config", {{"Env", {"PATH=/bin"}}, {"Cmd", {"sh"}}, {"Labels", spec.labels}}},
                       {"rootfs", {{"type", "layers"}, {"diff_ids", diff_json}}},
                       {"history", history}};
        if (!spec.parent.empty()) config["parent"] = spec.parent;
        Digest id = content.put(config.dump());
        Digest layer_blob = content.put("compressed:" + id.str());
        auto chains = chain_ids(diffs);
        std::vector<LayerRecord> records;
        ImageRecord rec;
        rec.id = id;
        rec.created = spec.created;
        rec.parent = spec.parent;
        for (size_t i = 0; i < chains.size(); ++i) {
            LayerRecord l{chains[i], diffs[i], i ? std::optional(chains[i - 1]) : std::nullopt,
                          static_cast<int64_t>(100 * (i + 1)), 0};
            records.push_back(l);
            rec.size += l.size;
        }
        rec.layers = chains;
        rec.blobs.push_back(BlobRef{layer_blob, "application/vnd.oci.image.layer.v1.tar+gzip", 1});
        store.add_image(rec, records);
        if (!tag.empty()) store.set_tag(Reference::parse(tag).str(), id, false);
        return id;
    }
};

}  // namespace berth::image::test
