#pragma once
// Internal to image/: the state ImageService's files share (image_service.cpp: tag, remove,
// prune; image_query.cpp: resolve, list, inspect, history; image_filters.cpp: filter values).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/content_store.hpp"
#include "image/image_service.hpp"
#include "image/image_store.hpp"
#include "image/reference.hpp"

namespace berth::image {

namespace detail {

// Docker's stringid.TruncateID: hex without algorithm, 12 characters.
std::string short_id(const Digest& d);
std::string short_id(const std::string& id);
// RFC 3339 ("2024-01-02T03:04:05.123Z", "...+02:00") to unix seconds; nullopt if not one.
std::optional<int64_t> parse_rfc3339(const std::string& s);
// Docker's `until` forms: a unix timestamp, an RFC 3339 date/time, or a Go duration before now.
int64_t parse_until(const std::string& v);
// label=KEY / label=KEY=VALUE must all match; label!=... must not.
bool match_labels(const Filters& f, const std::map<std::string, std::string>& labels);
// A true/false/1/0 filter; invalid_argument "invalid filter 'key=v'" otherwise.
bool bool_filter(const Filters& f, const char* key, bool fallback);

}  // namespace detail

struct ImageService::Impl {
    Impl(ContentStore& c, ImageStore& s, ServiceOptions o)
        : content(c), store(s), opts(std::move(o)) {}
    ContentStore& content;
    ImageStore& store;
    ServiceOptions opts;
    LeaseManager own_leases;
    LeaseManager& leases() { return opts.leases ? *opts.leases : own_leases; }

    std::vector<ContainerUse> users(const Digest& id) {
        return opts.in_use ? opts.in_use(id) : std::vector<ContainerUse>{};
    }

    struct Refs {
        std::vector<std::string> tags, digests;  // familiar forms
    };
    Refs refs_of(const Digest& id) {
        Refs r;
        for (const auto& t : store.tags_of(id)) {
            (t.digest_ref ? r.digests : r.tags)
                .push_back(Reference::parse_named(t.name).familiar_string());
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
        s.created = detail::parse_rfc3339(rec.created).value_or(0);
        s.size = rec.size;
        s.labels = load_config(rec.id).config.labels;
        return s;
    }

    ImageConfig load_config(const Digest& id) {
        return parse_image_config(content.read_blob(id), "image config " + id.str());
    }

    // moby's checkImageDeleteConflict. `soft`: also the conflicts force overrides.
    void check_conflict(const Digest& id, bool soft, bool check_refs);
    // moby's imageDeleteHelper: drops every remaining reference, the image, its parent if
    // that became unused (quietly), then collects garbage.
    void delete_image(const Digest& id, std::vector<DeleteItem>& out, bool force, bool prune,
                      bool quiet);
};

}  // namespace berth::image
