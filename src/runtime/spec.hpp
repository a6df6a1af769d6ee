#pragma once
// The OCI runtime-spec config.json (1.2, Linux), parsed and validated into plain structs.
// Every optional field stays optional: "not set" must differ from 0 (a memory limit of 0
// is not "no limit"). Parse errors name the JSON path (see common/json_reader.hpp).
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::runtime {

struct ConsoleSize {
    unsigned height = 0;
    unsigned width = 0;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
};

struct Rlimit {
    std::string name;  // RLIMIT_NOFILE
    int resource = 0;  // RLIMIT_NOFILE's number
    uint64_t soft = 0;
    uint64_t hard = 0;
};

// Capability numbers (CAP_CHOWN = 0 ...), one list per set.
struct Capabilities {
    std::vector<int> bounding, effective, inheritable, permitted, ambient;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd = "/";
    std::optional<Capabilities> capabilities;  // absent: the process keeps none
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::optional<int> oom_score_adj;
    std::string apparmor_profile;
    std::string selinux_label;
};

struct Root {
    std::string path;  // as written in config.json
    bool readonly = false;
};

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;  // as written
    // Derived from options:
    unsigned long flags = 0;             // MS_* to set
    unsigned long clear_flags = 0;       // MS_* explicitly cleared (rw, suid, dev, exec...)
    unsigned long propagation = 0;       // MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE (| MS_REC)
    std::string data;                    // fs-specific options joined by ','
    bool bind = false;                   // bind or rbind
    bool recursive = false;              // rbind
    bool idmap = false;
    // OCI 1.1 recursive options ("rro", "rnosuid", ...): MOUNT_ATTR_* applied with mount_setattr
    // and AT_RECURSIVE to the mount and every mount below it.
    uint64_t rec_attr_set = 0;
    uint64_t rec_attr_clr = 0;
};

struct Namespace {
    std::string type;  // pid, network, mount, ipc, uts, user, cgroup, time
    int clone_flag = 0;
    std::string path;  // join this namespace instead of creating one
};

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Device {
    std::string path;
    char type = 'c';  // c, b, u, p
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct DeviceRule {
    bool allow = false;
    char type = 'a';  // a, b, c
    std::optional<int64_t> major;  // absent: wildcard
    std::optional<int64_t> minor;
    std::string access;  // subset of "rwm"
};

struct MemoryResources {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;  // memory+swap, as in runc
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer;
    std::optional<bool> use_hierarchy;
    std::optional<bool> check_before_update;
};

struct CpuResources {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus;  // cpuset, "" = unset
    std::string mems;
    std::optional<int64_t> idle;
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIoResources {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device;
    std::vector<ThrottleDevice> throttle_write_bps_device;
    std::vector<ThrottleDevice> throttle_read_iops_device;
    std::vector<ThrottleDevice> throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size;  // "2MB"
    uint64_t limit = 0;
};

struct Resources {
    std::vector<DeviceRule> devices;
    MemoryResources memory;
    CpuResources cpu;
    std::optional<int64_t> pids_limit;
    BlockIoResources block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<uint32_t> network_class_id;
    std::vector<std::pair<std::string, uint32_t>> network_priorities;
    std::map<std::string, std::string> unified;  // cgroup v2 file -> value
};

struct SeccompArg {
    unsigned index = 0;
    uint64_t value = 0;
    uint64_t value_two = 0;
    std::string op;  // SCMP_CMP_EQ ...
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_ERRNO ...
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
    std::string json_path;  // linux.seccomp.syscalls[3], for error messages
};

struct Seccomp {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;  // SCMP_ARCH_X86_64 ...
    std::vector<std::string> flags;          // SECCOMP_FILTER_FLAG_LOG ...
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;
};

struct Personality {
    std::string domain;  // LINUX or LINUX32
    std::vector<std::string> flags;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::map<std::string, TimeOffset> time_offsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::string cgroups_path;
    std::optional<Resources> resources;
    std::string rootfs_propagation;
    unsigned long rootfs_propagation_flags = 0;
    std::optional<Seccomp> seccomp;
    std::map<std::string, std::string> sysctl;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::string mount_label;
    std::optional<Personality> personality;

    const Namespace* find_namespace(const std::string& type) const;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int> timeout;  // seconds
};

struct Hooks {
    std::vector<Hook> prestart;
    std::vector<Hook> create_runtime;
    std::vector<Hook> create_container;
    std::vector<Hook> start_container;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

struct Spec {
    std::string oci_version;
    std::optional<Process> process;
    Root root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    Linux linux;
};

// Parses config.json text; `doc` names it in errors. Validates everything that can be
// checked without touching the host (namespace types, mount options, rlimit and capability names).
Spec parse_spec(std::string_view text, const std::string& doc = "config.json");
Spec parse_spec_json(const Json& json, const std::string& doc = "config.json");
// Parses a "process" object alone (exec --process).
Process parse_process(const JsonReader& reader);
// Parses linux.resources alone (update -r).
Resources parse_resources(const JsonReader& reader);

}  // namespace berth::runtime
