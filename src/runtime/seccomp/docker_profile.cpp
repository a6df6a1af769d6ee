// Docker's seccomp profile format -> OCI linux.seccomp, following moby's profiles/seccomp
// setupSeccomp: keep the native architecture's archMap entry, and keep or drop every rule by
// its includes/excludes against the container's capabilities, the architecture and the
// running kernel. Docker's profile is the data; this is only its interpreter.
#include "runtime/seccomp/docker_profile.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string_view>
#include <tuple>

#include "common/error.hpp"

namespace berth::runtime::seccomp {
namespace {

constexpr const char* kDoc = "seccomp profile";

struct ArchAlias {
    std::string_view name;     // as a caller may spell it (Go or uname)
    std::string_view docker;   // what includes/excludes "arches" compare against (moby's)
    std::string_view seccomp;  // the archMap key
};

// moby compares includes/excludes.arches with its goToNative names and looks archMap up by
// nativeToSeccomp; both spellings of each architecture map to that pair.
constexpr std::array kArchAliases{
    ArchAlias{"amd64", "amd64", "SCMP_ARCH_X86_64"},
    ArchAlias{"x86_64", "amd64", "SCMP_ARCH_X86_64"},
    ArchAlias{"386", "x86", "SCMP_ARCH_X86"},
    ArchAlias{"i386", "x86", "SCMP_ARCH_X86"},
    ArchAlias{"i686", "x86", "SCMP_ARCH_X86"},
    ArchAlias{"x86", "x86", "SCMP_ARCH_X86"},
    ArchAlias{"arm64", "arm64", "SCMP_ARCH_AARCH64"},
    ArchAlias{"aarch64", "arm64", "SCMP_ARCH_AARCH64"},
    ArchAlias{"arm", "arm", "SCMP_ARCH_ARM"},
    ArchAlias{"armv7l", "arm", "SCMP_ARCH_ARM"},
    ArchAlias{"ppc64le", "ppc64le", "SCMP_ARCH_PPC64LE"},
    ArchAlias{"s390x", "s390x", "SCMP_ARCH_S390X"},
    ArchAlias{"riscv64", "riscv64", "SCMP_ARCH_RISCV64"},
    ArchAlias{"loong64", "loong64", "SCMP_ARCH_LOONGARCH64"},
    ArchAlias{"loongarch64", "loong64", "SCMP_ARCH_LOONGARCH64"},
    ArchAlias{"mips64", "mips64", "SCMP_ARCH_MIPS64"},
    ArchAlias{"mips64le", "mipsel64", "SCMP_ARCH_MIPSEL64"},
};

struct KernelVersion {
    int major = 0, minor = 0, patch = 0;
    bool operator>=(const KernelVersion& other) const {
        return std::tie(major, minor, patch) >= std::tie(other.major, other.minor, other.patch);
    }
};

// "4.8", "5.10.0", "6.18.44-fc-v509": major.minor, an optional .patch, anything after ignored.
std::optional<KernelVersion> parse_kernel_version(const std::string& text) {
    KernelVersion v;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%d.%d%n", &v.major, &v.minor, &consumed) < 2)
        return std::nullopt;
    std::sscanf(text.c_str() + consumed, ".%d", &v.patch);
    return v;
}

KernelVersion running_kernel() {
    static KernelVersion version = [] {
        utsname uts{};
        if (::uname(&uts) != 0) throw_errno("uname");
        auto v = parse_kernel_version(uts.release);
        if (!v) {
            throw Error(Errc::internal,
                        std::string("cannot parse the kernel release \"") + uts.release + "\"");
        }
        return *v;
    }();
    return version;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

struct Context {
    const std::vector<std::string>& caps;
    std::string docker_arch;
};

bool kernel_at_least(const JsonReader& filter) {
    auto min = filter.get("minKernel");
    if (!min) return true;
    auto wanted = parse_kernel_version(min->as_string());
    if (!wanted)
        min->fail("expected a kernel version like \"4.8\", got \"" + min->as_string() + "\"");
    return running_kernel() >= *wanted;
}

// moby's rule: excluded if any excluded arch or cap matches or the kernel is at least
// excludes.minKernel; included only if the arch is among includes.arches, every one of
// includes.caps is held, and the kernel is at least includes.minKernel.
bool rule_applies(const JsonReader& rule, const Context& ctx) {
    if (auto excludes = rule.get("excludes")) {
        if (contains(excludes->string_list("arches"), ctx.docker_arch)) return false;
        for (const auto& cap : excludes->string_list("caps")) {
            if (contains(ctx.caps, cap)) return false;
        }
        if (excludes->has("minKernel") && kernel_at_least(*excludes)) return false;
    }
    if (auto includes = rule.get("includes")) {
        auto arches = includes->string_list("arches");
        if (!arches.empty() && !contains(arches, ctx.docker_arch)) return false;
        for (const auto& cap : includes->string_list("caps")) {
            if (!contains(ctx.caps, cap)) return false;
        }
        if (!kernel_at_least(*includes)) return false;
    }
    return true;
}

Json convert_args(const JsonReader& rule) {
    Json args = Json::array();
    auto list = rule.get("args");
    if (!list) return args;
    for (const auto& arg : list->elements()) {
        arg.require_object();
        args.push_back(Json{{"index", arg.at("index").as_uint()},
                            {"value", arg.opt_uint("value").value_or(0)},
                            {"valueTwo", arg.opt_uint("valueTwo").value_or(0)},
                            {"op", arg.at("op").as_string()}});
    }
    return args;
}

Json convert_rule(const JsonReader& rule) {
    std::vector<std::string> names = rule.string_list("names");
    if (auto name = rule.opt_string("name")) {
        if (!names.empty()) rule.fail("both \"name\" and \"names\" are set; use one");
        names.push_back(*name);
    }
    Json out{{"names", names}, {"action", rule.at("action").as_string()}};
    if (auto errno_ret = rule.opt_uint("errnoRet")) out["errnoRet"] = *errno_ret;
    Json args = convert_args(rule);
    if (!args.empty()) out["args"] = std::move(args);
    return out;
}

}  // namespace

Json docker_profile_to_oci(const Json& profile, const std::vector<std::string>& capabilities,
                           const std::string& arch) {
    JsonReader root(profile, kDoc);
    root.require_object();
    auto default_action = root.opt_string("defaultAction");
    auto rules = root.get("syscalls");
    if (!default_action && (!rules || rules->size() == 0)) return nullptr;  // seccomp off

    std::string docker_arch = arch, seccomp_arch;
    for (const auto& alias : kArchAliases) {
        if (alias.name == arch) {
            docker_arch = alias.docker;
            seccomp_arch = alias.seccomp;
            break;
        }
    }

    Json out = Json::object();
    if (default_action) out["defaultAction"] = *default_action;
    if (auto errno_ret = root.opt_uint("defaultErrnoRet")) out["defaultErrnoRet"] = *errno_ret;
    if (auto path = root.opt_string("listenerPath")) out["listenerPath"] = *path;
    if (auto meta = root.opt_string("listenerMetadata")) out["listenerMetadata"] = *meta;

    std::vector<std::string> arches = root.string_list("architectures");
    if (auto arch_map = root.get("archMap"); arch_map && arch_map->size() > 0) {
        if (!arches.empty()) {
            root.fail("both \"architectures\" and \"archMap\" are set; use one");
        }
        for (const auto& entry : arch_map->elements()) {
            if (entry.at("architecture").as_string() != seccomp_arch) continue;
            arches.push_back(seccomp_arch);
            for (const auto& sub : entry.string_list("subArchitectures")) arches.push_back(sub);
            break;
        }
    }
    if (!arches.empty()) out["architectures"] = arches;
    if (auto flags = root.string_list("flags"); !flags.empty()) out["flags"] = flags;

    Context ctx{capabilities, docker_arch};
    Json syscalls = Json::array();
    if (rules) {
        for (const auto& rule : rules->elements()) {
            rule.require_object();
            if (rule_applies(rule, ctx)) syscalls.push_back(convert_rule(rule));
        }
    }
    out["syscalls"] = std::move(syscalls);
    return out;
}

std::vector<std::string> docker_default_capabilities() {
    return {"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
            "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
            "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL",    "CAP_AUDIT_WRITE"};
}

}  // namespace berth::runtime::seccomp
