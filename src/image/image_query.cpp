// ImageService's read side: resolving names, list with Docker's filters, inspect, history.
#include <algorithm>

#include "common/error.hpp"
#include "image/image_service_impl.hpp"

namespace berth::image {

using detail::bool_filter;
using detail::match_labels;
using detail::parse_rfc3339;
using detail::parse_until;

Json ImageSummary::to_json() const {
    return Json{{"Id", id},
                {"ParentId", parent_id},
                {"RepoTags", repo_tags},
                {"RepoDigests", repo_digests},
                {"Created", created},
                {"Size", size},
                {"SharedSize", shared_size},
                {"Labels", labels},
                {"Containers", containers}};
}

Json HistoryItem::to_json() const {
    return Json{{"Id", id},     {"Created", created}, {"CreatedBy", created_by},
                {"Tags", tags}, {"Size", size},       {"Comment", comment}};
}

Digest ImageService::resolve(const std::string& name) {
    auto& s = impl_->store;
    auto not_found = [&] { return Error(Errc::not_found, "No such image: " + name); };
    if (Reference::looks_like_image_id(name)) {
        Digest id = Digest::parse(name.starts_with("sha256:") ? name : "sha256:" + name);
        if (s.get_image(id)) return id;
        throw not_found();
    }
    std::optional<Error> parse_error;
    try {
        Reference ref = Reference::parse(name);
        if (ref.has_digest()) {
            if (auto id = s.resolve_tag(ref.with_digest(*ref.digest()).str())) return *id;
        } else if (auto id = s.resolve_tag(ref.str())) {
            return *id;
        }
    } catch (const Error& e) {
        parse_error = e;
    }
    std::string prefix = name.starts_with("sha256:") ? name.substr(7) : name;
    if (!prefix.empty()) {
        auto ids = s.find_images_by_prefix(prefix);
        if (ids.size() == 1) return ids[0];
        if (ids.size() > 1)
            throw Error(Errc::invalid_argument, "image id prefix \"" + prefix + "\" is ambiguous");
    }
    if (parse_error) throw *parse_error;
    throw not_found();
}

ImageConfig ImageService::config(const Digest& id) {
    return impl_->load_config(id);
}

std::vector<ImageSummary> ImageService::list(const Filters& filters, bool all) {
    for (const auto& [key, values] : filters) {
        if (key != "dangling" && key != "reference" && key != "label" && key != "label!" &&
            key != "before" && key != "since" && key != "until") {
            throw Error(Errc::invalid_argument, "invalid filter '" + key + "'");
        }
    }
    std::optional<bool> dangling;
    if (filters.count("dangling")) dangling = bool_filter(filters, "dangling", false);
    auto created_of = [&](const std::string& name) {
        auto rec = impl_->store.get_image(resolve(name));
        return parse_rfc3339(rec->created).value_or(0);
    };
    std::optional<int64_t> before, since, until;
    if (auto it = filters.find("before"); it != filters.end() && !it->second.empty())
        before = created_of(it->second.back());
    if (auto it = filters.find("since"); it != filters.end() && !it->second.empty())
        since = created_of(it->second.back());
    if (auto it = filters.find("until"); it != filters.end() && !it->second.empty())
        until = parse_until(it->second.back());
    const std::vector<std::string>* patterns = nullptr;
    if (auto it = filters.find("reference"); it != filters.end() && !it->second.empty())
        patterns = &it->second;

    std::vector<ImageSummary> out;
    for (const auto& rec : impl_->store.list_images()) {
        ImageSummary s = impl_->summarize(rec);
        bool untagged = s.repo_tags.empty() && s.repo_digests.empty();
        if (dangling && *dangling != s.repo_tags.empty()) continue;
        // Intermediate images of local builds stay hidden unless asked for.
        if (!all && !dangling && untagged && !impl_->store.children_of(rec.id).empty()) continue;
        if (before && s.created >= *before) continue;
        if (since && s.created <= *since) continue;
        if (until && s.created > *until) continue;
        if (!match_labels(filters, s.labels)) continue;
        if (patterns) {
            // Only the matching references are shown, as Docker does.
            auto keep = [&](std::vector<std::string>& refs) {
                std::erase_if(refs, [&](const std::string& r) {
                    Reference ref = Reference::parse_named(r);
                    return std::none_of(
                        patterns->begin(), patterns->end(),
                        [&](const std::string& p) { return reference_matches(p, ref); });
                });
            };
            keep(s.repo_tags);
            keep(s.repo_digests);
            if (s.repo_tags.empty() && s.repo_digests.empty()) continue;
        }
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const ImageSummary& a, const ImageSummary& b) {
        return a.created != b.created ? a.created > b.created : a.id < b.id;
    });
    return out;
}

Json ImageService::inspect(const std::string& name) {
    Digest id = resolve(name);
    auto rec = impl_->store.get_image(id);
    if (!rec) throw Error(Errc::not_found, "No such image: " + name);
    ImageConfig c = impl_->load_config(id);
    auto refs = impl_->refs_of(id);
    Json layers = Json::array();
    for (const auto& d : c.diff_ids) layers.push_back(d.str());
    // As Docker: without a comment of its own, an image shows its newest history comment
    // (what `docker commit -m` and `docker import -m` write).
    std::string comment = c.comment;
    if (comment.empty() && !c.history.empty()) comment = c.history.back().comment;
    Json j = {{"Id", id.str()},
              {"RepoTags", refs.tags},
              {"RepoDigests", refs.digests},
              {"Parent", rec->parent},
              {"Comment", comment},
              {"Created", c.created},
              {"DockerVersion", c.docker_version},
              {"Author", c.author},
              {"Config", run_config_to_json(c.config)},
              {"Architecture", c.architecture}};
    if (!c.variant.empty()) j["Variant"] = c.variant;
    j["Os"] = c.os;
    if (!c.os_version.empty()) j["OsVersion"] = c.os_version;
    j["Size"] = rec->size;
    j["GraphDriver"] = {{"Name", "overlay2"}, {"Data", Json::object()}};
    j["RootFS"] = {{"Type", c.rootfs_type}, {"Layers", layers}};
    j["Metadata"] = {
        {"LastTagTime", rec->last_tag_time.empty() ? "0001-01-01T00:00:00Z" : rec->last_tag_time}};
    return j;
}

std::vector<HistoryItem> ImageService::history(const std::string& name) {
    Digest id = resolve(name);
    auto rec = impl_->store.get_image(id);
    ImageConfig c = impl_->load_config(id);
    std::vector<HistoryItem> out;
    size_t layer = 0;
    for (const auto& h : c.history) {
        HistoryItem item{"<missing>", parse_rfc3339(h.created).value_or(0), h.created_by, {}, 0,
                         h.comment};
        if (!h.empty_layer) {
            if (layer >= rec->layers.size()) {
                throw Error(Errc::invalid_argument,
                            "image " + id.str() + ": too many non-empty layers in History section");
            }
            if (auto l = impl_->store.get_layer(rec->layers[layer])) item.size = l->size;
            ++layer;
        }
        out.push_back(std::move(item));
    }
    std::reverse(out.begin(), out.end());
    // The newest entry is this image; older ones are its parents where known (local builds).
    std::optional<Digest> cur = id;
    for (auto& item : out) {
        if (!cur) break;
        item.id = cur->str();
        item.tags = impl_->refs_of(*cur).tags;
        auto r = impl_->store.get_image(*cur);
        cur = (r && !r->parent.empty()) ? std::optional(Digest::parse(r->parent)) : std::nullopt;
    }
    return out;
}

}  // namespace berth::image
