#include "cli/registry/platform.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <vector>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::cli {

namespace {

bool known_os(const std::string& os) {
    static const char* const kOs[] = {"aix",    "android", "darwin",  "dragonfly", "freebsd",
                                      "hurd",   "illumos", "ios",     "js",        "linux",
                                      "nacl",   "netbsd",  "openbsd", "plan9",     "solaris",
                                      "wasip1", "windows", "zos"};
    return std::find(std::begin(kOs), std::end(kOs), os) != std::end(kOs);
}

void normalize_arch(std::string& arch, std::string& variant) {
    if (arch == "i386") {
        arch = "386";
        variant.clear();
    } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
        arch = "amd64";
        if (variant == "v1") variant.clear();
    } else if (arch == "aarch64" || arch == "arm64") {
        arch = "arm64";
        if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
    } else if (arch == "armhf") {
        arch = "arm";
        variant = "v7";
    } else if (arch == "armel") {
        arch = "arm";
        variant = "v6";
    } else if (arch == "arm") {
        if (variant.empty() || variant == "7")
            variant = "v7";
        else if (variant == "5" || variant == "6" || variant == "8")
            variant = "v" + variant;
    }
}

std::string host_arch() {
    utsname u{};
    ::uname(&u);
    std::string arch = u.machine, variant;
    normalize_arch(arch, variant);
    return arch;
}

bool specifier_part(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    });
}

}  // namespace

client::Json parse_platform(const std::string& spec) {
    std::string lower = spec;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::vector<std::string> parts = split(lower, '/');
    for (const auto& p : parts)
        if (!specifier_part(p))
            throw Error(Errc::invalid_argument, "\"" + spec + "\": invalid platform specifier");
    std::string os, arch, variant;
    switch (parts.size()) {
        case 1:
            if (known_os(parts[0])) {
                os = parts[0];
                arch = host_arch();
            } else {
                os = "linux";
                arch = parts[0];
            }
            break;
        case 2:
            os = parts[0];
            arch = parts[1];
            break;
        case 3:
            os = parts[0];
            arch = parts[1];
            variant = parts[2];
            break;
        default:
            throw Error(Errc::invalid_argument,
                        "\"" + spec + "\": cannot parse platform specifier");
    }
    if (os == "macos") os = "darwin";
    normalize_arch(arch, variant);
    client::Json out = client::Json::object();
    out["architecture"] = arch;
    out["os"] = os;
    if (!variant.empty()) out["variant"] = variant;
    return out;
}

}  // namespace berth::cli
