#include "runtime/mount_options.hpp"

#include <sys/mount.h>

#include <cstring>

#include "common/error.hpp"

namespace berth::runtime {

namespace {
struct FlagOption {
    const char* name;
    bool clear;
    unsigned long flag;
};

constexpr FlagOption kFlagOptions[] = {
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},      {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},        {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},    {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},  {"nolazytime", true, MS_LAZYTIME},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
    {"silent", false, MS_SILENT},      {"loud", true, MS_SILENT},
};

struct PropagationOption {
    const char* name;
    unsigned long flags;
};

// The recursive options of OCI runtime-spec 1.1 (config.md, "mounts"), as runc reads them: an
// atime value also clears the whole atime field, as mount_setattr(2) requires.
struct RecursiveOption {
    const char* name;
    bool clear;
    uint64_t attr;
};

constexpr RecursiveOption kRecursiveOptions[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},           {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},       {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},         {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},       {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},   {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},     {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

bool apply_recursive_option(Mount& m, const std::string& opt) {
    for (const auto& r : kRecursiveOptions) {
        if (opt != r.name) continue;
        if (r.clear) {
            m.rec_attr_clr |= r.attr;
            m.rec_attr_set &= ~r.attr;
        } else {
            m.rec_attr_set |= r.attr;
            m.rec_attr_clr &= ~r.attr;
            if ((r.attr & MOUNT_ATTR__ATIME) == r.attr) m.rec_attr_clr |= MOUNT_ATTR__ATIME;
        }
        return true;
    }
    return false;
}

constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE},      {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},        {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},          {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};
}  // namespace

unsigned long propagation_from_name(const std::string& name) {
    for (const auto& p : kPropagation) {
        if (name == p.name) return p.flags;
    }
    return 0;
}

void parse_mount_options(Mount& m, const std::string& json_path) {
    for (const auto& opt : m.options) {
        if (opt == "bind" || opt == "rbind") {
            m.bind = true;
            m.recursive = m.recursive || opt == "rbind";
            continue;
        }
        if (unsigned long p = propagation_from_name(opt)) {
            m.propagation = p;
            continue;
        }
        bool known = false;
        for (const auto& f : kFlagOptions) {
            if (opt == f.name) {
                if (f.clear) {
                    m.flags &= ~f.flag;
                    m.clear_flags |= f.flag;
                } else {
                    m.flags |= f.flag;
                    m.clear_flags &= ~f.flag;
                }
                known = true;
                break;
            }
        }
        if (known || apply_recursive_option(m, opt)) continue;
        if (opt == "idmap" || opt == "ridmap") {
            m.idmap = true;
            continue;
        }
        if (opt == "tmpcopyup" || opt.rfind("x-", 0) == 0) continue;  // runtime hints we may ignore
        if (opt.empty()) throw Error(Errc::invalid_argument, "config.json: " + json_path + ": empty mount option");
        if (!m.data.empty()) m.data += ',';
        m.data += opt;
    }
    if (m.type == "bind") m.bind = true;
}

}  // namespace berth::runtime
