#pragma once
// Image references as the docker CLI reads them (distribution/reference's ParseNormalizedNamed):
// "alpine" is docker.io/library/alpine, "user/app:1" docker.io/user/app:1, and a first component
// with a '.' or ':' (or "localhost") names a registry ("127.0.0.1:5000/app"). The CLI needs the
// full name for /images/create and for the credentials of the registry, and the familiar one for
// messages.
#include <functional>
#include <string>

namespace berth::cli {

struct ImageReference {
    std::string domain;  // "docker.io", "127.0.0.1:5000"
    std::string path;    // "library/alpine"
    std::string tag;     // "" when none was given
    std::string digest;  // "sha256:..." or ""

    // "docker.io/library/alpine"
    std::string name() const { return domain + "/" + path; }
    // "docker.io/library/alpine:latest", "...@sha256:..." (reference.String)
    std::string str() const;
    // "alpine", "user/app", "127.0.0.1:5000/app" (reference.FamiliarName)
    std::string familiar_name() const;
    // "alpine:latest" (reference.FamiliarString)
    std::string familiar_str() const;
    bool name_only() const { return tag.empty() && digest.empty(); }
};

// Throws invalid_argument with the reference package's messages ("invalid reference format",
// "invalid reference format: repository name (library/Foo) must be lowercase").
ImageReference parse_normalized_named(const std::string& text);

// reference.TagNameOnly: "latest" when the reference has neither tag nor digest.
ImageReference tag_name_only(ImageReference ref);

// What pull and push do with their argument, as docker's: a tag with -a is refused ("tag
// can't be used with --all-tags/-a"); without -a a bare name gets "latest", announced on
// `note` ("Using default tag: latest") unless it is null.
ImageReference reference_for_transfer(const std::string& text, bool all_tags,
                                      const std::function<void(const std::string&)>& note);

// The key credentials of a registry are stored under: Docker Hub's names (docker.io,
// index.docker.io, registry-1.docker.io) are "https://index.docker.io/v1/", as docker's;
// any other host is itself ("127.0.0.1:5000").
inline constexpr const char* kIndexServer = "https://index.docker.io/v1/";
std::string auth_config_key(const std::string& domain);

// credentials.ConvertToHostname: "https://host:5000/v2/" -> "host:5000".
std::string convert_to_hostname(const std::string& url);

}  // namespace berth::cli
