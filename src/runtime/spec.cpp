#include "runtime/spec.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <set>

#include "common/error.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/mount_options.hpp"
#include "runtime/spec_json.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace berth::runtime {

namespace {

struct NamedConstant {
    const char* name;
    int value;
};

constexpr NamedConstant kNamespaces[] = {
    {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},     {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

constexpr NamedConstant kRlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

std::vector<int> parse_capability_list(const JsonReader& caps, const char* key) {
    std::vector<int> out;
    auto list = caps.get(key);
    if (!list) return out;
    for (const auto& e : list->elements()) {
        std::string name = e.as_string();
        auto cap = capability_from_name(name);
        if (!cap) e.fail("unknown capability \"" + name + "\"");
        if (*cap > last_capability()) continue;  // newer than this kernel: nothing to grant or drop
        out.push_back(*cap);
    }
    return out;
}

Capabilities parse_capabilities(const JsonReader& r) {
    r.require_object();
    Capabilities c;
    c.bounding = parse_capability_list(r, "bounding");
    c.effective = parse_capability_list(r, "effective");
    c.inheritable = parse_capability_list(r, "inheritable");
    c.permitted = parse_capability_list(r, "permitted");
    c.ambient = parse_capability_list(r, "ambient");
    return c;
}

User parse_user(const JsonReader& r) {
    r.require_object();
    User u;
    if (auto v = r.get("uid")) u.uid = as_u32(*v);
    if (auto v = r.get("gid")) u.gid = as_u32(*v);
    u.umask = opt_u32(r, "umask");
    if (auto v = r.get("additionalGids")) {
        for (const auto& g : v->elements()) u.additional_gids.push_back(as_u32(g));
    }
    return u;
}

std::vector<IdMapping> parse_id_mappings(const std::optional<JsonReader>& r) {
    std::vector<IdMapping> out;
    if (!r) return out;
    for (const auto& e : r->elements()) {
        IdMapping m;
        m.container_id = as_u32(e.at("containerID"));
        m.host_id = as_u32(e.at("hostID"));
        m.size = as_u32(e.at("size"));
        if (m.size == 0) e.at("size").fail("mapping size must be at least 1");
        out.push_back(m);
    }
    return out;
}

std::vector<Hook> parse_hook_list(const std::optional<JsonReader>& r) {
    std::vector<Hook> out;
    if (!r) return out;
    for (const auto& e : r->elements()) {
        Hook h;
        h.path = e.at("path").as_string();
        if (h.path.empty() || h.path[0] != '/') e.at("path").fail("hook path must be absolute");
        h.args = e.string_list("args");
        h.env = e.string_list("env");
        if (auto t = e.get("timeout")) {
            int64_t secs = t->as_int();
            if (secs <= 0) t->fail("timeout must be a positive number of seconds");
            h.timeout = static_cast<int>(secs);
        }
        out.push_back(std::move(h));
    }
    return out;
}

Hooks parse_hooks(const JsonReader& r) {
    r.require_object();
    Hooks h;
    h.prestart = parse_hook_list(r.get("prestart"));
    h.create_runtime = parse_hook_list(r.get("createRuntime"));
    h.create_container = parse_hook_list(r.get("createContainer"));
    h.start_container = parse_hook_list(r.get("startContainer"));
    h.poststart = parse_hook_list(r.get("poststart"));
    h.poststop = parse_hook_list(r.get("poststop"));
    return h;
}

std::vector<Mount> parse_mounts(const std::optional<JsonReader>& r) {
    std::vector<Mount> out;
    if (!r) return out;
    for (const auto& e : r->elements()) {
        Mount m;
        m.destination = e.at("destination").as_string();
        if (m.destination.empty() || m.destination[0] != '/') {
            e.at("destination").fail("mount destination must be an absolute path, got \"" + m.destination + "\"");
        }
        m.type = e.string_or("type", "");
        m.source = e.string_or("source", "");
        m.options = e.string_list("options");
        parse_mount_options(m, e.path());
        if (!m.bind && m.type.empty()) e.fail("mount needs a \"type\" unless it is a bind mount");
        if (m.bind && m.source.empty()) e.fail("bind mount needs a \"source\"");
        out.push_back(std::move(m));
    }
    return out;
}

Seccomp parse_seccomp(const JsonReader& r) {
    r.require_object();
    Seccomp s;
    s.default_action = r.at("defaultAction").as_string();
    s.default_errno_ret = opt_u32(r, "defaultErrnoRet");
    s.architectures = r.string_list("architectures");
    s.flags = r.string_list("flags");
    s.listener_path = r.string_or("listenerPath", "");
    s.listener_metadata = r.string_or("listenerMetadata", "");
    if (auto list = r.get("syscalls")) {
        for (const auto& e : list->elements()) {
            SeccompSyscall sc;
            sc.names = e.string_list("names");
            if (sc.names.empty()) e.fail("a syscall rule needs at least one name in \"names\"");
            sc.action = e.at("action").as_string();
            sc.errno_ret = opt_u32(e, "errnoRet");
            if (auto args = e.get("args")) {
                for (const auto& a : args->elements()) {
                    SeccompArg arg;
                    uint64_t index = a.at("index").as_uint();
                    if (index > 5) a.at("index").fail("syscall argument index must be 0 to 5");
                    arg.index = static_cast<unsigned>(index);
                    arg.value = a.at("value").as_uint();
                    if (auto v2 = a.get("valueTwo")) arg.value_two = v2->as_uint();
                    arg.op = a.at("op").as_string();
                    sc.args.push_back(arg);
                }
            }
            sc.json_path = e.path();
            s.syscalls.push_back(std::move(sc));
        }
    }
    return s;
}

std::vector<Device> parse_devices(const std::optional<JsonReader>& r) {
    std::vector<Device> out;
    if (!r) return out;
    for (const auto& e : r->elements()) {
        Device d;
        d.path = e.at("path").as_string();
        if (d.path.empty() || d.path[0] != '/') e.at("path").fail("device path must be absolute");
        std::string type = e.at("type").as_string();
        if (type != "c" && type != "b" && type != "u" && type != "p") {
            e.at("type").fail("device type must be c, b, u or p, got \"" + type + "\"");
        }
        d.type = type[0];
        if (d.type != 'p') {
            d.major = e.at("major").as_int();
            d.minor = e.at("minor").as_int();
        }
        d.file_mode = opt_u32(e, "fileMode");
        d.uid = opt_u32(e, "uid");
        d.gid = opt_u32(e, "gid");
        out.push_back(std::move(d));
    }
    return out;
}

Linux parse_linux(const JsonReader& r) {
    r.require_object();
    Linux l;
    std::set<std::string> seen;
    if (auto list = r.get("namespaces")) {
        for (const auto& e : list->elements()) {
            Namespace ns;
            ns.type = e.at("type").as_string();
            for (const auto& known : kNamespaces) {
                if (ns.type == known.name) ns.clone_flag = known.value;
            }
            if (ns.clone_flag == 0) e.at("type").fail("unknown namespace type \"" + ns.type + "\"");
            if (!seen.insert(ns.type).second) e.at("type").fail("namespace \"" + ns.type + "\" listed twice");
            ns.path = e.string_or("path", "");
            if (!ns.path.empty() && ns.path[0] != '/') e.at("path").fail("namespace path must be absolute");
            l.namespaces.push_back(std::move(ns));
        }
    }
    l.uid_mappings = parse_id_mappings(r.get("uidMappings"));
    l.gid_mappings = parse_id_mappings(r.get("gidMappings"));
    if (auto offsets = r.get("timeOffsets")) {
        for (const auto& [clock, v] : offsets->entries()) {
            if (clock != "monotonic" && clock != "boottime") v.fail("unknown clock (monotonic or boottime)");
            TimeOffset off;
            if (auto s = v.get("secs")) off.secs = s->as_int();
            if (auto n = v.get("nanosecs")) off.nanosecs = as_u32(*n);
            l.time_offsets[clock] = off;
        }
    }
    l.devices = parse_devices(r.get("devices"));
    l.cgroups_path = r.string_or("cgroupsPath", "");
    if (auto res = r.get("resources")) l.resources = parse_resources(*res);
    l.rootfs_propagation = r.string_or("rootfsPropagation", "");
    if (!l.rootfs_propagation.empty()) {
        l.rootfs_propagation_flags = propagation_from_name(l.rootfs_propagation);
        if (l.rootfs_propagation_flags == 0) {
            r.at("rootfsPropagation").fail("unknown propagation \"" + l.rootfs_propagation + "\"");
        }
    }
    if (auto s = r.get("seccomp")) l.seccomp = parse_seccomp(*s);
    l.sysctl = r.string_map("sysctl");
    l.masked_paths = r.string_list("maskedPaths");
    l.readonly_paths = r.string_list("readonlyPaths");
    l.mount_label = r.string_or("mountLabel", "");
    if (auto p = r.get("personality")) {
        Personality pers;
        pers.domain = p->at("domain").as_string();
        if (pers.domain != "LINUX" && pers.domain != "LINUX32") {
            p->at("domain").fail("personality domain must be LINUX or LINUX32");
        }
        pers.flags = p->string_list("flags");
        l.personality = pers;
    }
    // Namespaces that need another namespace to make sense.
    if (!l.uid_mappings.empty() && !l.find_namespace("user")) {
        r.at("uidMappings").fail("uid mappings need a user namespace in linux.namespaces");
    }
    return l;
}

}  // namespace

const Namespace* Linux::find_namespace(const std::string& type) const {
    for (const auto& ns : namespaces) {
        if (ns.type == type) return &ns;
    }
    return nullptr;
}

Process parse_process(const JsonReader& r) {
    r.require_object();
    Process p;
    p.terminal = r.bool_or("terminal", false);
    if (auto cs = r.get("consoleSize")) {
        p.console_size = ConsoleSize{as_u32(cs->at("height")), as_u32(cs->at("width"))};
    }
    p.user = r.has("user") ? parse_user(r.at("user")) : User{};
    auto args = r.at("args");
    p.args = r.string_list("args");
    if (p.args.empty()) args.fail("the process needs at least one argument");
    p.env = r.string_list("env");
    p.cwd = r.string_or("cwd", "/");
    if (p.cwd.empty() || p.cwd[0] != '/') r.at("cwd").fail("cwd must be an absolute path, got \"" + p.cwd + "\"");
    if (auto caps = r.get("capabilities")) p.capabilities = parse_capabilities(*caps);
    std::set<int> seen_rlimits;
    if (auto list = r.get("rlimits")) {
        for (const auto& e : list->elements()) {
            Rlimit rl;
            rl.name = e.at("type").as_string();
            bool known = false;
            for (const auto& k : kRlimits) {
                if (rl.name == k.name) {
                    rl.resource = k.value;
                    known = true;
                }
            }
            if (!known) e.at("type").fail("unknown rlimit \"" + rl.name + "\"");
            if (!seen_rlimits.insert(rl.resource).second) e.at("type").fail("rlimit \"" + rl.name + "\" set twice");
            rl.soft = e.at("soft").as_uint();
            rl.hard = e.at("hard").as_uint();
            if (rl.soft > rl.hard) e.fail("soft limit is above the hard limit");
            p.rlimits.push_back(rl);
        }
    }
    p.no_new_privileges = r.bool_or("noNewPrivileges", false);
    if (auto v = r.opt_int("oomScoreAdj")) {
        if (*v < -1000 || *v > 1000) r.at("oomScoreAdj").fail("oomScoreAdj must be -1000 to 1000");
        p.oom_score_adj = static_cast<int>(*v);
    }
    p.apparmor_profile = r.string_or("apparmorProfile", "");
    p.selinux_label = r.string_or("selinuxLabel", "");
    return p;
}

Spec parse_spec_json(const Json& json, const std::string& doc) {
    JsonReader r(json, doc);
    r.require_object();
    Spec s;
    s.oci_version = r.at("ociVersion").as_string();
    if (s.oci_version.rfind("1.", 0) != 0) {
        r.at("ociVersion").fail("unsupported version \"" + s.oci_version + "\" (berth supports 1.x)");
    }
    if (auto p = r.get("process")) s.process = parse_process(*p);
    auto root = r.at("root");
    s.root.path = root.at("path").as_string();
    if (s.root.path.empty()) root.at("path").fail("root path is empty");
    s.root.readonly = root.bool_or("readonly", false);
    s.hostname = r.string_or("hostname", "");
    s.domainname = r.string_or("domainname", "");
    s.mounts = parse_mounts(r.get("mounts"));
    if (auto h = r.get("hooks")) s.hooks = parse_hooks(*h);
    s.annotations = r.string_map("annotations");
    if (auto l = r.get("linux")) s.linux = parse_linux(*l);
    if (!s.hostname.empty() && !s.linux.find_namespace("uts")) {
        r.at("hostname").fail("setting the hostname needs a uts namespace in linux.namespaces");
    }
    return s;
}

Spec parse_spec(std::string_view text, const std::string& doc) {
    return parse_spec_json(parse_json(text, doc), doc);
}

}  // namespace berth::runtime
