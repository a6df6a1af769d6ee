#include "image/platform.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "image/manifest.hpp"

namespace berth::image {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool known_os(std::string_view os) {
    for (std::string_view k : {"linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris",
                               "illumos", "aix", "android", "ios", "plan9", "js", "wasip1"}) {
        if (os == k) return true;
    }
    return false;
}

bool valid_component(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
    }
    return true;
}

// What a host of `want` (normalised) runs, best first: {architecture, variant}.
std::vector<std::pair<std::string, std::string>> compatible(const Platform& want) {
    std::vector<std::pair<std::string, std::string>> out;
    const std::string& arch = want.architecture;
    const std::string& v = want.variant;
    auto arm_down_from = [&](int top) {
        for (int i = top; i >= 5; --i) out.emplace_back("arm", "v" + std::to_string(i));
    };
    if (arch == "amd64") {
        // x86-64 micro-architecture levels: a v3 host runs v3, v2 and baseline images.
        int level = (v.size() == 2 && v[0] == 'v' && v[1] >= '2' && v[1] <= '4') ? v[1] - '0' : 1;
        for (int i = level; i >= 2; --i) out.emplace_back("amd64", "v" + std::to_string(i));
        out.emplace_back("amd64", "");
        out.emplace_back("386", "");
    } else if (arch == "arm64") {
        if (!v.empty()) out.emplace_back("arm64", v);
        out.emplace_back("arm64", "");
        arm_down_from(8);  // aarch32 execution, as containerd allows
    } else if (arch == "arm") {
        int top = (v.size() == 2 && v[0] == 'v' && v[1] >= '5' && v[1] <= '8') ? v[1] - '0' : 7;
        arm_down_from(top);
    } else {
        out.emplace_back(arch, v);
    }
    return out;
}

size_t rank(const Platform& want, const Platform& have) {
    Platform w = want.normalized(), h = have.normalized();
    if (w.os != h.os) return SIZE_MAX;
    auto list = compatible(w);
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].first == h.architecture && list[i].second == h.variant) return i;
    }
    return SIZE_MAX;
}

}  // namespace

Platform Platform::parse(std::string_view text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t slash = text.find('/', start);
        parts.push_back(lower(text.substr(start, slash - start)));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    auto bad = [&](const std::string& why) {
        throw Error(Errc::invalid_argument, "invalid platform \"" + std::string(text) + "\": " + why);
    };
    if (parts.size() > 3) bad("expected os[/arch[/variant]]");
    for (const auto& p : parts) {
        if (!valid_component(p)) bad("empty or invalid component");
    }
    Platform p;
    if (parts.size() == 1) {
        // "linux" means linux on this machine's architecture; "arm64" means linux/arm64.
        if (known_os(parts[0])) {
            p = host();
            p.os = parts[0];
        } else {
            p.os = "linux";
            p.architecture = parts[0];
        }
    } else {
        p.os = parts[0];
        p.architecture = parts[1];
        if (parts.size() == 3) p.variant = parts[2];
    }
    return p.normalized();
}

Platform Platform::host() {
    Platform p;
    p.os = "linux";
#if defined(__x86_64__)
    p.architecture = "amd64";
#elif defined(__aarch64__)
    p.architecture = "arm64";
#elif defined(__arm__)
    p.architecture = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH <= 6
    p.variant = "v" + std::to_string(__ARM_ARCH);
#else
    p.variant = "v7";
#endif
#elif defined(__i386__)
    p.architecture = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    p.architecture = "ppc64le";
#elif defined(__s390x__)
    p.architecture = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    p.architecture = "riscv64";
#else
    p.architecture = "unknown";
#endif
    return p;
}

Platform Platform::normalized() const {
    Platform p = *this;
    p.os = lower(os);
    if (p.os == "macos") p.os = "darwin";
    std::string arch = lower(architecture);
    std::string v = lower(variant);
    if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
        arch = "amd64";
        if (v == "v1") v.clear();
    } else if (arch == "i386" || arch == "i686") {
        arch = "386";
        v.clear();
    } else if (arch == "aarch64" || arch == "arm64") {
        arch = "arm64";
        if (v == "8" || v == "v8" || v == "v8.0") v.clear();
        if (v == "9" || v == "9.0" || v == "v9.0") v = "v9";
    } else if (arch == "armhf") {
        arch = "arm";
        v = "v7";
    } else if (arch == "armel") {
        arch = "arm";
        v = "v6";
    } else if (arch == "arm") {
        if (v.empty() || v == "7") v = "v7";
        if (v == "5" || v == "6" || v == "8") v = "v" + v;
    }
    p.architecture = arch;
    p.variant = v;
    return p;
}

std::string Platform::str() const {
    std::string out = (os.empty() ? std::string("unknown") : os) + "/" +
                      (architecture.empty() ? std::string("unknown") : architecture);
    if (!variant.empty()) out += "/" + variant;
    return out;
}

bool platform_matches(const Platform& want, const Platform& have) { return rank(want, have) != SIZE_MAX; }

bool platform_less(const Platform& want, const Platform& a, const Platform& b) {
    return rank(want, a) < rank(want, b);
}

const Descriptor& select_platform(const std::vector<Descriptor>& manifests, const Platform& want) {
    const Descriptor* best = nullptr;
    size_t best_rank = SIZE_MAX;
    for (const auto& d : manifests) {
        if (!d.platform) continue;
        size_t r = rank(want, *d.platform);
        if (r < best_rank) {  // strict: the first of equally good entries wins, as in the index order
            best = &d;
            best_rank = r;
        }
    }
    if (best) return *best;
    std::vector<std::string> seen;
    std::string available;
    for (const auto& d : manifests) {
        // Attestation manifests (buildx) carry platform unknown/unknown: not a choice.
        if (!d.platform || d.platform->os == "unknown") continue;
        std::string s = d.platform->str();
        if (std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
        seen.push_back(s);
        available += (available.empty() ? "" : ", ") + s;
    }
    throw Error(Errc::not_found, "no matching manifest for " + want.str() + " in the manifest list entries: " +
                                     (available.empty() ? std::string("none") : available));
}

}  // namespace berth::image
