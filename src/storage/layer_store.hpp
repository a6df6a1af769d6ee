#pragma once
// Unpacked layers, one directory per chain id, shared by every image and container on them:
//
//   <root>/layers/<chain-hex>/diff/       the layer's files in overlay form (a lower dir)
//   <root>/layers/<chain-hex>/meta.json   chain id, diff id, parent chain id, unpacked size
//   <root>/layers/<chain-hex>/link        the short name of diff/ under l/
//   <root>/layers/<chain-hex>/lower       short names of the parents' diff dirs, top first
//   <root>/layers/l/<short>  ->  ../<chain-hex>/diff
//
// The short names keep a legacy mount(2) lowerdir= list of a long chain inside one page,
// like Docker's overlay2 driver. Reference counts live in the image store's database;
// this class only owns the directories.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/digest.hpp"

namespace berth::storage {

struct LayerInfo {
    image::Digest chain_id;
    image::Digest diff_id;
    std::optional<image::Digest> parent;
    uint64_t size = 0;     // unpacked bytes
    std::string diff_dir;  // absolute
};

class LayerStore {
public:
    // `root` is the data root; layer dirs live under <root>/layers.
    explicit LayerStore(std::string root);

    bool exists(const image::Digest& chain_id) const;
    // not_found when the layer is not unpacked.
    LayerInfo get(const image::Digest& chain_id) const;

    // Unpacks the layer tar (plain, gzip or zstd) read from `tar_fd` as `chain_id` on top of
    // `parent` (which must be unpacked). The tar's diff id must equal `diff_id`, or nothing
    // is kept. Safe against concurrent unpacks of the same chain: one wins, the others
    // find it done. Returns at once when the layer is already there.
    LayerInfo unpack(const image::Digest& chain_id, const image::Digest& diff_id,
                     const std::optional<image::Digest>& parent, int tar_fd);

    // Diff dirs of the chain ending at `chain_id`, top first (overlayfs lowerdir order),
    // and the same as names relative to layers/ ("l/<short>").
    std::vector<std::string> lower_dirs(const image::Digest& chain_id) const;
    std::vector<std::string> short_lower_dirs(const image::Digest& chain_id) const;

    // Removes the layer's directory (not its parents). Missing is fine. The caller (GC)
    // decides that nothing uses it.
    void remove(const image::Digest& chain_id);
    // For image::GcOptions::remove_layer_dir.
    std::function<void(const image::Digest&)> remover() {
        return [this](const image::Digest& d) { remove(d); };
    }

    std::vector<image::Digest> list() const;
    const std::string& layers_dir() const { return layers_; }

    // At berthd's start, when no unpack or removal runs: removes what one cut short left
    // (.tmp-* and .removing-* dirs), layer dirs `known` says have no record (unpacked, but
    // the daemon died before recording them) and l/ links that lead nowhere. Returns one
    // line per thing removed or not removable, for the log.
    std::vector<std::string> sweep_abandoned(
        const std::function<bool(const image::Digest& chain_id)>& known);

private:
    std::string dir_of(const image::Digest& chain_id) const;
    std::string layers_;  // <root>/layers
};

}  // namespace berth::storage
