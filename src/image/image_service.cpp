#include "image/image_service.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "image/image_service_impl.hpp"

namespace berth::image {

using detail::bool_filter;
using detail::match_labels;
using detail::parse_rfc3339;
using detail::parse_until;
using detail::short_id;

Json DeleteItem::to_json() const {
    return untagged.empty() ? Json{{"Deleted", deleted}} : Json{{"Untagged", untagged}};
}

Json PruneReport::to_json() const {
    Json items = Json::array();
    for (const auto& d : images_deleted) items.push_back(d.to_json());
    return Json{{"ImagesDeleted", items}, {"SpaceReclaimed", space_reclaimed}};
}

void ImageService::Impl::check_conflict(const Digest& id, bool soft, bool check_refs) {
    auto fail = [&](bool hard, const std::string& why) {
        throw Error(Errc::conflict, "conflict: unable to delete " + short_id(id) + " (" +
                                        (hard ? "cannot be forced" : "must be forced") + ") - " +
                                        why);
    };
    if (!store.children_of(id).empty()) fail(true, "image has dependent child images");
    auto used = users(id);
    for (const auto& u : used) {
        if (u.running)
            fail(true, "image is being used by running container " + short_id(u.container_id));
    }
    if (!soft) return;
    if (check_refs && !store.tags_of(id).empty())
        fail(false, "image is referenced in multiple repositories");
    for (const auto& u : used)
        fail(false, "image is being used by stopped container " + short_id(u.container_id));
}

void ImageService::Impl::delete_image(const Digest& id, std::vector<DeleteItem>& out, bool force,
                                      bool prune, bool quiet) {
    try {
        check_conflict(id, !force, true);
    } catch (const Error&) {
        if (quiet) return;
        throw;
    }
    auto rec = store.get_image(id);
    if (!rec) return;
    for (const auto& t : store.tags_of(id)) {
        store.remove_tag(t.name);
        out.push_back(DeleteItem{Reference::parse_named(t.name).familiar_string(), ""});
    }
    std::vector<Digest> freed = store.delete_image(id);
    out.push_back(DeleteItem{"", id.str()});
    // Top layer first, the order Docker releases (and reports) them in.
    for (auto it = freed.rbegin(); it != freed.rend(); ++it)
        out.push_back(DeleteItem{"", it->str()});
    collect_garbage(content, store, leases(), opts.gc);
    if (prune && !rec->parent.empty()) {
        Digest parent = Digest::parse(rec->parent);
        if (store.get_image(parent) && store.tags_of(parent).empty() && users(parent).empty()) {
            delete_image(parent, out, false, true, true);
        }
    }
}

std::string ImageService::sweep_at_startup() {
    auto& i = *impl_;
    auto [ingests, ingest_bytes] = i.content.clear_ingests();
    GcResult gc = collect_garbage(i.content, i.store, i.leases(), i.opts.gc);
    std::string out;
    if (ingests) {
        out += "removed " + std::to_string(ingests) + " unfinished ingest(s) (" +
               std::to_string(ingest_bytes) + " bytes)";
    }
    if (!gc.removed_blobs.empty() || !gc.removed_layers.empty()) {
        if (!out.empty()) out += "; ";
        out += "removed " + std::to_string(gc.removed_blobs.size()) + " unreferenced blob(s) (" +
               std::to_string(gc.reclaimed_bytes) + " bytes) and " +
               std::to_string(gc.removed_layers.size()) + " unreferenced layer(s)";
    }
    for (const auto& e : gc.errors) out += (out.empty() ? "" : "; ") + e;
    return out;
}

ImageService::ImageService(ContentStore& content, ImageStore& store, ServiceOptions options)
    : impl_(std::make_unique<Impl>(content, store, std::move(options))) {}

ImageService::~ImageService() = default;

void ImageService::tag(const std::string& source, const std::string& target) {
    Digest id = resolve(source);
    Reference ref = Reference::parse(target);
    if (ref.has_digest())
        throw Error(Errc::invalid_argument, "refusing to create a tag with a digest reference");
    // "sha256:<hex>" parses as repository sha256, tag <hex>: a name that would read as an id.
    if (ref.familiar_name() == "sha256")
        throw Error(Errc::invalid_argument, "refusing to create an ambiguous tag using digest algorithm as name");
    impl_->store.set_tag(ref.str(), id, false);
}

std::vector<DeleteItem> ImageService::remove(const std::string& name, bool force,
                                             bool prune_children) {
    auto& s = impl_->store;
    Digest id = resolve(name);
    std::vector<DeleteItem> out;
    auto tags = s.tags_of(id);
    // At most one tag, and every reference in one repository.
    auto single_repo = [&](const std::vector<TagRecord>& refs) {
        size_t n_tags = 0;
        for (const auto& t : refs) n_tags += t.digest_ref ? 0 : 1;
        if (n_tags > 1) return false;
        for (const auto& t : refs) {
            if (Reference::parse_named(t.name).name() !=
                Reference::parse_named(refs[0].name).name())
                return false;
        }
        return true;
    };
    // By reference when the name resolves through a tag or digest reference; else by id.
    bool by_ref = false;
    try {
        Reference ref = Reference::parse(name);
        by_ref = s.resolve_tag(ref.has_digest() ? ref.with_digest(*ref.digest()).str() : ref.str())
                     .has_value();
    } catch (const Error&) {
    }
    if (by_ref) {
        if (!force && single_repo(tags)) {
            auto used = impl_->users(id);
            if (!used.empty()) {
                throw Error(Errc::conflict, "conflict: unable to remove repository reference \"" +
                                                name + "\" (must force) - container " +
                                                short_id(used[0].container_id) +
                                                " is using its referenced image " + short_id(id));
            }
        }
        Reference ref = Reference::parse(name);
        std::string key = ref.has_digest() ? ref.with_digest(*ref.digest()).str() : ref.str();
        s.remove_tag(key);
        out.push_back(DeleteItem{ref.has_digest() ? ref.with_digest(*ref.digest()).familiar_string()
                                                  : ref.familiar_string(),
                                 ""});
        auto remaining = s.tags_of(id);
        if (!ref.has_digest()) {
            // Untagging the last tag of a repository also drops its digest references.
            bool tag_left =
                std::any_of(remaining.begin(), remaining.end(), [&](const TagRecord& t) {
                    return !t.digest_ref && Reference::parse_named(t.name).name() == ref.name();
                });
            if (!tag_left) {
                std::vector<TagRecord> keep;
                for (const auto& t : remaining) {
                    if (t.digest_ref && Reference::parse_named(t.name).name() == ref.name()) {
                        s.remove_tag(t.name);
                        out.push_back(
                            DeleteItem{Reference::parse_named(t.name).familiar_string(), ""});
                    } else {
                        keep.push_back(t);
                    }
                }
                remaining = keep;
            }
        }
        if (!remaining.empty()) return out;
        impl_->delete_image(id, out, force, prune_children, false);
        return out;
    }
    if (single_repo(tags)) {
        impl_->check_conflict(id, !force, false);
        for (const auto& t : tags) {
            s.remove_tag(t.name);
            out.push_back(DeleteItem{Reference::parse_named(t.name).familiar_string(), ""});
        }
    }
    impl_->delete_image(id, out, force, prune_children, false);
    return out;
}

PruneReport ImageService::prune(bool all, const Filters& filters) {
    for (const auto& [key, values] : filters) {
        if (key != "dangling" && key != "until" && key != "label" && key != "label!") {
            throw Error(Errc::invalid_argument, "invalid filter '" + key + "'");
        }
    }
    bool dangling_only = bool_filter(filters, "dangling", !all);
    std::optional<int64_t> until;
    if (auto it = filters.find("until"); it != filters.end() && !it->second.empty())
        until = parse_until(it->second.back());
    auto& s = impl_->store;
    std::map<std::string, int64_t> layer_sizes;
    for (const auto& l : s.list_layers()) layer_sizes[l.chain_id.str()] = l.size;

    PruneReport report;
    for (const auto& rec : s.list_images()) {
        if (!s.get_image(rec.id)) continue;  // went with an earlier one (parent pruning)
        auto tags = s.tags_of(rec.id);
        auto children = s.children_of(rec.id);
        if (dangling_only && !children.empty()) continue;  // only heads
        if (tags.empty() && !children.empty()) continue;   // intermediate
        if (until && parse_rfc3339(rec.created).value_or(0) > *until) continue;
        if (!match_labels(filters, impl_->load_config(rec.id).config.labels)) continue;
        bool has_tag =
            std::any_of(tags.begin(), tags.end(), [](const TagRecord& t) { return !t.digest_ref; });
        if (dangling_only && has_tag) continue;
        try {
            std::vector<DeleteItem> items;
            if (tags.empty()) {
                items = remove(rec.id.hex(), false, true);
            } else {
                for (const auto& t : tags) {
                    auto more = remove(t.name, false, true);
                    items.insert(items.end(), more.begin(), more.end());
                }
            }
            report.images_deleted.insert(report.images_deleted.end(), items.begin(), items.end());
        } catch (const Error& e) {
            if (e.code() != Errc::conflict && e.code() != Errc::not_found)
                throw;  // in use: keep it
        }
    }
    for (const auto& d : report.images_deleted) {
        if (auto it = layer_sizes.find(d.deleted); it != layer_sizes.end())
            report.space_reclaimed += it->second;
    }
    return report;
}

}  // namespace berth::image
