#include "image/image_service.hpp"

#include <algorithm>
#include <ctime>

#include "common/error.hpp"
#include "image/content_store.hpp"
#include "image/image_store.hpp"
#include "image/reference.hpp"

namespace berth::image {

namespace {

// Docker's stringid.TruncateID: hex without algorithm, 12 characters.
std::string short_id(const Digest& d) { return d.hex().substr(0, 12); }
std::string short_id(const std::string& id) {
    std::string s = id.substr(id.find(':') == std::string::npos ? 0 : id.find(':') + 1);
    return s.substr(0, 12);
}

// RFC 3339 ("2024-01-02T03:04:05.123Z", "...+02:00") to unix seconds; nullopt if not one.
std::optional<int64_t> parse_rfc3339(const std::string& s) {
    tm t{};
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &t);
    if (!rest) {
        rest = strptime(s.c_str(), "%Y-%m-%d", &t);
        if (!rest || *rest) return std::nullopt;
        return static_cast<int64_t>(timegm(&t));
    }
    if (*rest == '.') {
        ++rest;
        while (*rest >= '0' && *rest <= '9') ++rest;
    }
    int64_t offset = 0;
    if (*rest == '+' || *rest == '-') {
        int hh = 0, mm = 0;
        if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
        offset = (hh * 3600 + mm * 60) * (*rest == '+' ? 1 : -1);
    } else if (*rest != 'Z' && *rest != '\0') {
        return std::nullopt;
    }
    return static_cast<int64_t>(timegm(&t)) - offset;
}

// Docker's `until` forms: a unix timestamp, an RFC 3339 date/time, or a Go duration before now.
int64_t parse_until(const std::string& v) {
    if (auto t = parse_rfc3339(v)) return *t;
    char* end = nullptr;
    double secs = strtod(v.c_str(), &end);
    if (!v.empty() && end && *end == '\0') return static_cast<int64_t>(secs);
    double total = 0;
    const char* p = v.c_str();
    while (*p) {
        double n = strtod(p, &end);
        if (end == p) throw Error(Errc::invalid_argument, "invalid filter 'until=" + v + "'");
        p = end;
        std::string unit;
        while (*p && (*p < '0' || *p > '9') && *p != '.') unit += *p++;
        double mult = unit == "h" ? 3600 : unit == "m" ? 60 : unit == "s" ? 1 : unit == "ms" ? 0.001 : -1;
        if (mult < 0) throw Error(Errc::invalid_argument, "invalid filter 'until=" + v + "'");
        total += n * mult;
    }
    return static_cast<int64_t>(time(nullptr)) - static_cast<int64_t>(total);
}

bool match_labels(const Filters& f, const std::map<std::string, std::string>& labels) {
    auto matches = [&](const std::string& expr) {
        auto eq = expr.find('=');
        auto it = labels.find(expr.substr(0, eq));
        if (it == labels.end()) return false;
        return eq == std::string::npos || it->second == expr.substr(eq + 1);
    };
    if (auto it = f.find("label"); it != f.end()) {
        for (const auto& e : it->second) {
            if (!matches(e)) return false;
        }
    }
    if (auto it = f.find("label!"); it != f.end()) {
        for (const auto& e : it->second) {
            if (matches(e)) return false;
        }
    }
    return true;
}

bool bool_filter(const Filters& f, const char* key, bool fallback) {
    auto it = f.find(key);
    if (it == f.end() || it->second.empty()) return fallback;
    const std::string& v = it->second.back();
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    throw Error(Errc::invalid_argument, std::string("invalid filter '") + key + "=" + v + "'");
}

}  // namespace

Json ImageSummary::to_json() const {
    return Json{{"Id", id},           {"ParentId", parent_id}, {"RepoTags", repo_tags},
                {"RepoDigests", repo_digests}, {"Created", created}, {"Size", size},
                {"SharedSize", shared_size},   {"Labels", labels},   {"Containers", containers}};
}

Json HistoryItem::to_json() const {
    return Json{{"Id", id},     {"Created", created}, {"CreatedBy", created_by},
                {"Tags", tags}, {"Size", size},       {"Comment", comment}};
}

Json DeleteItem::to_json() const {
    return untagged.empty() ? Json{{"Deleted", deleted}} : Json{{"Untagged", untagged}};
}

Json PruneReport::to_json() const {
    Json items = Json::array();
    for (const auto& d : images_deleted) items.push_back(d.to_json());
    return Json{{"ImagesDeleted", items}, {"SpaceReclaimed", space_reclaimed}};
}

struct ImageService::Impl {
    Impl(ContentStore& c, ImageStore& s, ServiceOptions o) : content(c), store(s), opts(std::move(o)) {}
    ContentStore& content;
    ImageStore& store;
    ServiceOptions opts;
    LeaseManager own_leases;
    LeaseManager& leases() { return opts.leases ? *opts.leases : own_leases; }

    std::vector<ContainerUse> users(const Digest& id) { return opts.in_use ? opts.in_use(id) : std::vector<ContainerUse>{}; }

    struct Refs {
        std::vector<std::string> tags, digests;  // familiar forms
    };
    Refs refs_of(const Digest& id) {
        Refs r;
        for (const auto& t : store.tags_of(id)) {
            (t.digest_ref ? r.digests : r.tags).push_back(Reference::parse_named(t.name).familiar_string());
        }
        return r;
    }

    ImageSummary summarize(const ImageRecord& rec) {
        ImageSummary s;
        s.id = rec.id.str();
        s.parent_id = rec.parent;
        auto refs = refs_of(rec.id);
        s.repo_tags = refs.tags;
        s.repo_digests = refs.digests;
        s.created = parse_rfc3339(rec.created).value_or(0);
        s.size = rec.size;
        s.labels = load_config(rec.id).config.labels;
        return s;
    }

    ImageConfig load_config(const Digest& id) {
        return parse_image_config(content.read_blob(id), "image config " + id.str());
    }

    // moby's checkImageDeleteConflict. `soft`: also the conflicts force overrides.
    void check_conflict(const Digest& id, bool soft, bool check_refs) {
        auto fail = [&](bool hard, const std::string& why) {
            throw Error(Errc::conflict, "conflict: unable to delete " + short_id(id) + " (" +
                                            (hard ? "cannot be forced" : "must be forced") + ") - " + why);
        };
        if (!store.children_of(id).empty()) fail(true, "image has dependent child images");
        auto used = users(id);
        for (const auto& u : used) {
            if (u.running) fail(true, "image is being used by running container " + short_id(u.container_id));
        }
        if (!soft) return;
        if (check_refs && !store.tags_of(id).empty()) fail(false, "image is referenced in multiple repositories");
        for (const auto& u : used) fail(false, "image is being used by stopped container " + short_id(u.container_id));
    }

    // moby's imageDeleteHelper: drops every remaining reference, the image, its parent if
    // that became unused (quietly), then collects garbage.
    void delete_image(const Digest& id, std::vector<DeleteItem>& out, bool force, bool prune, bool quiet) {
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
        for (auto it = freed.rbegin(); it != freed.rend(); ++it) out.push_back(DeleteItem{"", it->str()});
        collect_garbage(content, store, leases(), opts.gc);
        if (prune && !rec->parent.empty()) {
            Digest parent = Digest::parse(rec->parent);
            if (store.get_image(parent) && store.tags_of(parent).empty() && users(parent).empty()) {
                delete_image(parent, out, false, true, true);
            }
        }
    }
};

ImageService::ImageService(ContentStore& content, ImageStore& store, ServiceOptions options)
    : impl_(std::make_unique<Impl>(content, store, std::move(options))) {}

ImageService::~ImageService() = default;

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
        if (ids.size() > 1) throw Error(Errc::invalid_argument, "image id prefix \"" + prefix + "\" is ambiguous");
    }
    if (parse_error) throw *parse_error;
    throw not_found();
}

ImageConfig ImageService::config(const Digest& id) { return impl_->load_config(id); }

std::vector<ImageSummary> ImageService::list(const Filters& filters, bool all) {
    for (const auto& [key, values] : filters) {
        if (key != "dangling" && key != "reference" && key != "label" && key != "label!" && key != "before" &&
            key != "since" && key != "until") {
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
    if (auto it = filters.find("before"); it != filters.end() && !it->second.empty()) before = created_of(it->second.back());
    if (auto it = filters.find("since"); it != filters.end() && !it->second.empty()) since = created_of(it->second.back());
    if (auto it = filters.find("until"); it != filters.end() && !it->second.empty()) until = parse_until(it->second.back());
    const std::vector<std::string>* patterns = nullptr;
    if (auto it = filters.find("reference"); it != filters.end() && !it->second.empty()) patterns = &it->second;

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
                    return std::none_of(patterns->begin(), patterns->end(),
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
    Json j = {{"Id", id.str()},
              {"RepoTags", refs.tags},
              {"RepoDigests", refs.digests},
              {"Parent", rec->parent},
              {"Comment", c.comment},
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
    j["Metadata"] = {{"LastTagTime", rec->last_tag_time.empty() ? "0001-01-01T00:00:00Z" : rec->last_tag_time}};
    return j;
}

std::vector<HistoryItem> ImageService::history(const std::string& name) {
    Digest id = resolve(name);
    auto rec = impl_->store.get_image(id);
    ImageConfig c = impl_->load_config(id);
    std::vector<HistoryItem> out;
    size_t layer = 0;
    for (const auto& h : c.history) {
        HistoryItem item{"<missing>", parse_rfc3339(h.created).value_or(0), h.created_by, {}, 0, h.comment};
        if (!h.empty_layer) {
            if (layer >= rec->layers.size()) {
                throw Error(Errc::invalid_argument, "image " + id.str() + ": too many non-empty layers in History section");
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

void ImageService::tag(const std::string& source, const std::string& target) {
    Digest id = resolve(source);
    Reference ref = Reference::parse(target);
    if (ref.has_digest()) throw Error(Errc::invalid_argument, "refusing to create a tag with a digest reference");
    impl_->store.set_tag(ref.str(), id, false);
}

std::vector<DeleteItem> ImageService::remove(const std::string& name, bool force, bool prune_children) {
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
            if (Reference::parse_named(t.name).name() != Reference::parse_named(refs[0].name).name()) return false;
        }
        return true;
    };
    // By reference when the name resolves through a tag or digest reference; else by id.
    bool by_ref = false;
    try {
        Reference ref = Reference::parse(name);
        by_ref = s.resolve_tag(ref.has_digest() ? ref.with_digest(*ref.digest()).str() : ref.str()).has_value();
    } catch (const Error&) {
    }
    if (by_ref) {
        if (!force && single_repo(tags)) {
            auto used = impl_->users(id);
            if (!used.empty()) {
                throw Error(Errc::conflict, "conflict: unable to remove repository reference \"" + name +
                                                "\" (must force) - container " + short_id(used[0].container_id) +
                                                " is using its referenced image " + short_id(id));
            }
        }
        Reference ref = Reference::parse(name);
        std::string key = ref.has_digest() ? ref.with_digest(*ref.digest()).str() : ref.str();
        s.remove_tag(key);
        out.push_back(DeleteItem{ref.has_digest() ? ref.with_digest(*ref.digest()).familiar_string() : ref.familiar_string(), ""});
        auto remaining = s.tags_of(id);
        if (!ref.has_digest()) {
            // Untagging the last tag of a repository also drops its digest references.
            bool tag_left = std::any_of(remaining.begin(), remaining.end(), [&](const TagRecord& t) {
                return !t.digest_ref && Reference::parse_named(t.name).name() == ref.name();
            });
            if (!tag_left) {
                std::vector<TagRecord> keep;
                for (const auto& t : remaining) {
                    if (t.digest_ref && Reference::parse_named(t.name).name() == ref.name()) {
                        s.remove_tag(t.name);
                        out.push_back(DeleteItem{Reference::parse_named(t.name).familiar_string(), ""});
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
    if (auto it = filters.find("until"); it != filters.end() && !it->second.empty()) until = parse_until(it->second.back());
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
        bool has_tag = std::any_of(tags.begin(), tags.end(), [](const TagRecord& t) { return !t.digest_ref; });
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
            if (e.code() != Errc::conflict && e.code() != Errc::not_found) throw;  // in use: keep it
        }
    }
    for (const auto& d : report.images_deleted) {
        if (auto it = layer_sizes.find(d.deleted); it != layer_sizes.end()) report.space_reclaimed += it->second;
    }
    return report;
}

}  // namespace berth::image
