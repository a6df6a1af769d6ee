#pragma once
// Image references with Docker's normalisation and grammar (distribution/reference):
//
//   busybox                      -> docker.io/library/busybox:latest
//   user/app:1.0                 -> docker.io/user/app:1.0
//   localhost/app, host:5000/app -> the first component is a registry host
//   repo@sha256:<hex>, repo:tag@sha256:<hex>
//
// Errors are invalid_argument with Docker's wording, e.g.
// "invalid reference format: repository name must be lowercase".
#include <optional>
#include <string>
#include <string_view>

#include "image/digest.hpp"

namespace berth::image {

inline constexpr std::string_view kDefaultDomain = "docker.io";
inline constexpr std::string_view kOfficialRepoPrefix = "library/";
inline constexpr std::string_view kDefaultTag = "latest";

class Reference {
public:
    Reference() = default;

    // Normalises like ParseDockerRef + TagNameOnly: the domain and library/ are filled in
    // and, when neither a tag nor a digest is given, the tag becomes "latest".
    static Reference parse(std::string_view text);
    // Like parse() but never adds a default tag (ParseNormalizedNamed): for "all tags of
    // repo" and for reference filters.
    static Reference parse_named(std::string_view text);
    // True for a full 64-hex image id (with or without "sha256:"), which Docker refuses as
    // a repository name and treats as an id.
    static bool looks_like_image_id(std::string_view text);
    // Throws invalid_argument unless `tag` matches [\w][\w.-]{0,127}.
    static void validate_tag(std::string_view tag);

    const std::string& domain() const { return domain_; }  // "docker.io", "host:5000"
    const std::string& path() const { return path_; }      // "library/busybox"
    std::string name() const { return domain_ + "/" + path_; }
    const std::string& tag() const { return tag_; }        // empty when none
    const std::optional<Digest>& digest() const { return digest_; }
    bool has_tag() const { return !tag_.empty(); }
    bool has_digest() const { return digest_.has_value(); }
    bool empty() const { return path_.empty(); }

    // Canonical full form: "docker.io/library/busybox:latest", "host:5000/a@sha256:...".
    std::string str() const;
    // Docker's FamiliarName / FamiliarString: "busybox", "user/app:1.0", "host:5000/a:b".
    std::string familiar_name() const;
    std::string familiar_string() const;

    Reference with_tag(std::string tag) const;         // drops any digest
    Reference with_digest(const Digest& digest) const;  // drops any tag
    Reference name_only() const;                        // neither tag nor digest

    bool operator==(const Reference& o) const = default;

private:
    std::string domain_;
    std::string path_;
    std::string tag_;
    std::optional<Digest> digest_;
};

// Docker's reference filter (`docker images --filter reference=PATTERN`, `docker images
// PATTERN`): path.Match glob semantics (* and ? do not cross '/', [classes]) against the
// familiar name, or familiar name:tag when the pattern has a tag.
bool reference_matches(std::string_view pattern, const Reference& ref);
// Go's path.Match, exposed for tests.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace berth::image
