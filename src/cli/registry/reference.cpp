#include "cli/registry/reference.hpp"

#include <cctype>

#include "common/error.hpp"

namespace berth::cli {

namespace {

constexpr const char* kDefaultDomain = "docker.io";

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A path component: [a-z0-9]+ joined by '.', '_', '__' or '-'+.
bool valid_component(const std::string& c) {
    if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
    for (size_t i = 0; i < c.size(); ++i) {
        char ch = c[i];
        if (is_lower_alnum(ch)) continue;
        if (ch == '-') {
            // a run of '-' between alphanumerics
            while (i + 1 < c.size() && c[i + 1] == '-') ++i;
            if (!is_lower_alnum(c[i + 1])) return false;
            continue;
        }
        if (ch == '.' || ch == '_') {
            // one '.', one '_' or "__" between alphanumerics
            if (ch == '_' && i + 1 < c.size() && c[i + 1] == '_') {
                ++i;
                if (!is_lower_alnum(c[i + 1])) return false;
                continue;
            }
            if (!is_lower_alnum(c[i + 1])) return false;
            continue;
        }
        return false;
    }
    return true;
}

bool valid_domain(const std::string& d) {
    if (d.empty()) return false;
    std::string host = d;
    if (auto colon = d.rfind(':'); colon != std::string::npos && d.front() != '[') {
        std::string port = d.substr(colon + 1);
        if (port.empty()) return false;
        for (char c : port)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        host = d.substr(0, colon);
    }
    if (host.empty()) return false;
    if (host.front() == '[') return host.back() == ']' || host.find("]:") != std::string::npos;
    for (char c : host)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
    return true;
}

bool valid_tag(const std::string& t) {
    if (t.empty() || t.size() > 128) return false;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if (!word(t.front())) return false;
    for (char c : t)
        if (!word(c) && c != '.' && c != '-') return false;
    return true;
}

bool valid_digest(const std::string& d) {
    auto colon = d.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= d.size()) return false;
    for (size_t i = colon + 1; i < d.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(d[i]))) return false;
    return true;
}

[[noreturn]] void invalid(const std::string& detail = "") {
    throw Error(Errc::invalid_argument, detail.empty() ? "invalid reference format"
                                                       : "invalid reference format: " + detail);
}

}  // namespace

std::string ImageReference::str() const {
    std::string out = name();
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
}

std::string ImageReference::familiar_name() const {
    if (domain != kDefaultDomain) return name();
    if (path.starts_with("library/") && path.find('/', 8) == std::string::npos)
        return path.substr(8);
    return path;
}

std::string ImageReference::familiar_str() const {
    std::string out = familiar_name();
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
}

ImageReference parse_normalized_named(const std::string& text) {
    if (text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos)
        throw Error(Errc::invalid_argument, "invalid repository name (" + text +
                                                "), cannot specify 64-byte hexadecimal strings");
    ImageReference ref;
    std::string rest = text;
    if (auto at = rest.find('@'); at != std::string::npos) {
        ref.digest = rest.substr(at + 1);
        rest.resize(at);
        if (!valid_digest(ref.digest)) invalid();
    }
    // A ':' after the last '/' starts the tag; one before it is a registry's port.
    auto slash = rest.rfind('/');
    if (auto colon = rest.rfind(':');
        colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        ref.tag = rest.substr(colon + 1);
        rest.resize(colon);
        if (!valid_tag(ref.tag)) invalid();
    }
    if (rest.empty()) invalid();
    // splitDockerDomain
    auto first = rest.find('/');
    std::string head = first == std::string::npos ? "" : rest.substr(0, first);
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (first == std::string::npos || (head.find_first_of(".:") == std::string::npos &&
                                       head != "localhost" && lower(head) == head)) {
        ref.domain = kDefaultDomain;
        ref.path = rest;
    } else {
        ref.domain = head;
        ref.path = rest.substr(first + 1);
    }
    if (ref.domain == "index.docker.io") ref.domain = kDefaultDomain;
    if (ref.domain == kDefaultDomain && ref.path.find('/') == std::string::npos)
        ref.path = "library/" + ref.path;
    if (lower(ref.path) != ref.path)
        invalid("repository name (" + ref.path + ") must be lowercase");
    if (!valid_domain(ref.domain)) invalid();
    size_t start = 0;
    for (;;) {
        auto end = ref.path.find('/', start);
        if (!valid_component(ref.path.substr(start, end == std::string::npos ? end : end - start)))
            invalid();
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (ref.name().size() > 255)
        throw Error(Errc::invalid_argument, "repository name must not be more than 255 characters");
    return ref;
}

ImageReference tag_name_only(ImageReference ref) {
    if (ref.name_only()) ref.tag = "latest";
    return ref;
}

std::string auth_config_key(const std::string& domain) {
    if (domain == "docker.io" || domain == "index.docker.io" || domain == "registry-1.docker.io" ||
        domain == kIndexServer)
        return kIndexServer;
    return domain;
}

std::string convert_to_hostname(const std::string& url) {
    std::string stripped = url;
    if (auto scheme = stripped.find("://"); scheme != std::string::npos)
        stripped = stripped.substr(scheme + 3);
    return stripped.substr(0, stripped.find('/'));
}

ImageReference reference_for_transfer(const std::string& text, bool all_tags,
                                      const std::function<void(const std::string&)>& note) {
    ImageReference ref = parse_normalized_named(text);
    if (all_tags && !ref.name_only())
        throw Error(Errc::invalid_argument, "tag can't be used with --all-tags/-a");
    if (!all_tags && ref.name_only()) {
        ref = tag_name_only(ref);
        if (note) note("Using default tag: " + ref.tag);
    }
    return ref;
}

}  // namespace berth::cli
