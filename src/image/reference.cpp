#include "image/reference.hpp"

#include <cctype>

#include "common/error.hpp"

namespace berth::image {

namespace {

constexpr size_t kMaxNameLength = 255;

[[noreturn]] void invalid(const std::string& what) {
    throw Error(Errc::invalid_argument, "invalid reference format" + (what.empty() ? "" : ": " + what));
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// path-component := [a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*
bool valid_path_component(std::string_view s) {
    size_t i = 0, n = s.size();
    auto alnum_run = [&] {
        size_t start = i;
        while (i < n && is_lower_alnum(s[i])) ++i;
        return i > start;
    };
    if (!alnum_run()) return false;
    while (i < n) {
        if (s[i] == '.') {
            ++i;
        } else if (s[i] == '_') {
            ++i;
            if (i < n && s[i] == '_') ++i;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-') ++i;
        } else {
            return false;
        }
        if (!alnum_run()) return false;
    }
    return true;
}

bool valid_path(std::string_view path) {
    if (path.empty()) return false;
    size_t start = 0;
    for (;;) {
        size_t slash = path.find('/', start);
        if (!valid_path_component(path.substr(start, slash - start))) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view s) {
    if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
    for (char c : s) {
        if (!is_alnum(c) && c != '-') return false;
    }
    return true;
}

// domain := ( domain-name | "[" ipv6 "]" ) [ ":" port ]
bool valid_domain(std::string_view d) {
    std::string_view host = d;
    if (!d.empty() && d.front() == '[') {
        size_t close = d.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        for (char c : d.substr(1, close - 1)) {
            if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':') return false;
        }
        host = {};
        d = d.substr(close + 1);
        if (d.empty()) return true;
        if (d.front() != ':') return false;
    } else {
        size_t colon = d.find(':');
        host = d.substr(0, colon);
        d = colon == std::string_view::npos ? std::string_view{} : d.substr(colon);
        size_t start = 0;
        for (;;) {
            size_t dot = host.find('.', start);
            if (!valid_domain_component(host.substr(start, dot - start))) return false;
            if (dot == std::string_view::npos) break;
            start = dot + 1;
        }
        if (d.empty()) return true;
    }
    std::string_view port = d.substr(1);
    if (port.empty()) return false;
    for (char c : port) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

bool Reference::looks_like_image_id(std::string_view text) {
    if (text.starts_with("sha256:")) text.remove_prefix(7);
    if (text.size() != 64) return false;
    for (char c : text) {
        if (!is_hex(c)) return false;
    }
    return true;
}

void Reference::validate_tag(std::string_view tag) {
    // tag := [\w][\w.-]{0,127}
    auto word = [](char c) { return is_alnum(c) || c == '_'; };
    bool ok = !tag.empty() && tag.size() <= 128 && word(tag.front());
    for (char c : tag) ok = ok && (word(c) || c == '.' || c == '-');
    if (!ok) throw Error(Errc::invalid_argument, "invalid tag format: \"" + std::string(tag) + "\"");
}

Reference Reference::parse_named(std::string_view text) {
    if (text.empty()) invalid("repository name must have at least one component");
    if (text.size() == 64 && Reference::looks_like_image_id(text)) {
        throw Error(Errc::invalid_argument, "invalid repository name (" + std::string(text) +
                                                "), cannot specify 64-byte hexadecimal strings");
    }
    std::string_view rest = text;
    std::optional<Digest> digest;
    if (size_t at = rest.find('@'); at != std::string_view::npos) {
        std::string_view d = rest.substr(at + 1);
        rest = rest.substr(0, at);
        try {
            digest = Digest::parse(d);
        } catch (const Error& e) {
            invalid(e.what());
        }
    }
    std::string tag;
    size_t last_slash = rest.rfind('/');
    size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
        tag = std::string(rest.substr(colon + 1));
        rest = rest.substr(0, colon);
        try {
            Reference::validate_tag(tag);
        } catch (const Error&) {
            invalid("");
        }
    }
    // splitDockerDomain: the first component is a registry host only if it looks like one
    // (has a dot or a port, is "localhost", or has uppercase, which no repository path may).
    std::string domain, path;
    size_t slash = rest.find('/');
    std::string_view first = rest.substr(0, slash);
    if (slash == std::string_view::npos ||
        (first.find_first_of(".:") == std::string_view::npos && first != "localhost" && lower(first) == first)) {
        domain = kDefaultDomain;
        path = std::string(rest);
    } else {
        domain = std::string(first);
        path = std::string(rest.substr(slash + 1));
    }
    if (domain == "index.docker.io") domain = kDefaultDomain;
    if (domain == kDefaultDomain && path.find('/') == std::string::npos) path = std::string(kOfficialRepoPrefix) + path;

    if (!valid_domain(domain)) invalid("");
    if (!valid_path(path)) {
        if (valid_path(lower(path))) invalid("repository name must be lowercase");
        invalid("");
    }
    if (domain.size() + 1 + path.size() > kMaxNameLength) {
        invalid("repository name must not be more than 255 characters");
    }
    Reference ref;
    ref.domain_ = std::move(domain);
    ref.path_ = std::move(path);
    ref.tag_ = std::move(tag);
    ref.digest_ = std::move(digest);
    return ref;
}

Reference Reference::parse(std::string_view text) {
    Reference ref = parse_named(text);
    if (ref.tag_.empty() && !ref.digest_) ref.tag_ = kDefaultTag;
    return ref;
}

std::string Reference::str() const {
    std::string out = name();
    if (!tag_.empty()) out += ":" + tag_;
    if (digest_) out += "@" + digest_->str();
    return out;
}

std::string Reference::familiar_name() const {
    if (domain_ != kDefaultDomain) return name();
    std::string_view p = path_;
    if (p.starts_with(kOfficialRepoPrefix) && p.find('/', kOfficialRepoPrefix.size()) == std::string_view::npos) {
        p.remove_prefix(kOfficialRepoPrefix.size());
    }
    return std::string(p);
}

std::string Reference::familiar_string() const {
    std::string out = familiar_name();
    if (!tag_.empty()) out += ":" + tag_;
    if (digest_) out += "@" + digest_->str();
    return out;
}

Reference Reference::with_tag(std::string tag) const {
    if (!tag.empty()) validate_tag(tag);
    Reference r = name_only();
    r.tag_ = std::move(tag);
    return r;
}

Reference Reference::with_digest(const Digest& digest) const {
    Reference r = name_only();
    r.digest_ = digest;
    return r;
}

Reference Reference::name_only() const {
    Reference r;
    r.domain_ = domain_;
    r.path_ = path_;
    return r;
}

// Go's path.Match: '*' is any run of non-'/' characters, '?' one non-'/' character,
// '[...]' a class (with '^' negation and ranges), '\\' escapes.
bool glob_match(std::string_view pattern, std::string_view name) {
    size_t p = 0, n = 0;
    size_t star_p = std::string_view::npos, star_n = 0;
    auto match_class = [&](size_t& pi, char c, bool& ok) {
        // pattern[pi] == '['; on return pi is past ']'. ok=false for a malformed class.
        ++pi;
        bool negate = pi < pattern.size() && pattern[pi] == '^';
        if (negate) ++pi;
        bool matched = false, first = true;
        while (pi < pattern.size() && (pattern[pi] != ']' || first)) {
            first = false;
            char lo = pattern[pi];
            if (lo == '\\' && pi + 1 < pattern.size()) lo = pattern[++pi];
            ++pi;
            char hi = lo;
            if (pi + 1 < pattern.size() && pattern[pi] == '-' && pattern[pi + 1] != ']') {
                hi = pattern[pi + 1];
                if (hi == '\\' && pi + 2 < pattern.size()) hi = pattern[++pi + 1];
                pi += 2;
            }
            if (lo <= c && c <= hi) matched = true;
        }
        if (pi >= pattern.size()) {
            ok = false;
            return false;
        }
        ++pi;  // ']'
        return matched != negate;
    };
    while (n < name.size() || p < pattern.size()) {
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                star_p = p++;
                star_n = n;
                continue;
            }
            if (n < name.size() && name[n] != '/') {
                if (pc == '?') {
                    ++p, ++n;
                    continue;
                }
                if (pc == '[') {
                    size_t pi = p;
                    bool ok = true;
                    bool m = match_class(pi, name[n], ok);
                    if (!ok) return false;
                    if (m) {
                        p = pi, ++n;
                        continue;
                    }
                }
            }
            if (n < name.size() && pc != '?' && pc != '[') {
                char lit = pc;
                size_t adv = 1;
                if (pc == '\\' && p + 1 < pattern.size()) lit = pattern[p + 1], adv = 2;
                if (name[n] == lit) {
                    p += adv, ++n;
                    continue;
                }
            }
        }
        // Backtrack: let the last '*' eat one more character, but never a '/'.
        if (star_p != std::string_view::npos && star_n < name.size() && name[star_n] != '/') {
            p = star_p + 1;
            n = ++star_n;
            continue;
        }
        return false;
    }
    return true;
}

bool reference_matches(std::string_view pattern, const Reference& ref) {
    return glob_match(pattern, ref.familiar_string()) || glob_match(pattern, ref.familiar_name());
}

}  // namespace berth::image
