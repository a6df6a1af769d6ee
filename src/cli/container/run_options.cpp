#include "cli/container/run_options.hpp"

#include "cli/container/mount_opt.hpp"
#include "cli/flags/flag_set.hpp"
#include "cli/format/units.hpp"

namespace berth::cli {

void register_run_flags(FlagSet& f, RunOptions& o, bool is_run) {
    f.set_interspersed(false);
    f.strings(&o.add_hosts, "add-host", 0, "Add a custom host-to-IP mapping (host:ip)");
    f.strings(&o.attach, "attach", 'a', "Attach to STDIN, STDOUT or STDERR");
    f.strings(&o.cap_add, "cap-add", 0, "Add Linux capabilities");
    f.strings(&o.cap_drop, "cap-drop", 0, "Drop Linux capabilities");
    f.string(&o.cgroupns, "cgroupns", 0, "Cgroup namespace to use (host|private)");
    f.string(&o.cidfile, "cidfile", 0, "Write the container ID to the file");
    f.integer(&o.cpu_period, "cpu-period", 0, "Limit CPU CFS (Completely Fair Scheduler) period");
    f.integer(&o.cpu_quota, "cpu-quota", 0, "Limit CPU CFS (Completely Fair Scheduler) quota");
    f.integer(&o.cpu_shares, "cpu-shares", 'c', "CPU shares (relative weight)");
    f.string(&o.cpus, "cpus", 0, "Number of CPUs", "decimal");
    f.string(&o.cpuset_cpus, "cpuset-cpus", 0, "CPUs in which to allow execution (0-3, 0,1)");
    if (is_run) {
        f.boolean(&o.detach, "detach", 'd', "Run container in background and print container ID");
        f.string(&o.detach_keys, "detach-keys", 0,
                 "Override the key sequence for detaching a container");
    }
    f.strings(&o.devices, "device", 0, "Add a host device to the container");
    // berth has no content trust: accepted for scripts written for docker, and ignored.
    f.boolean(&o.disable_content_trust, "disable-content-trust", 0,
              "Skip image verification (default true)");
    f.strings(&o.dns, "dns", 0, "Set custom DNS servers");
    f.strings(&o.dns_options, "dns-option", 0, "Set DNS options");
    f.strings(&o.dns_search, "dns-search", 0, "Set custom DNS search domains");
    f.string(&o.domainname, "domainname", 0, "Container NIS domain name");
    f.string(&o.entrypoint, "entrypoint", 0, "Overwrite the default ENTRYPOINT of the image");
    f.strings(&o.env, "env", 'e', "Set environment variables");
    f.strings(&o.env_file, "env-file", 0, "Read in a file of environment variables");
    f.strings(&o.expose, "expose", 0, "Expose a port or a range of ports");
    f.strings(&o.group_add, "group-add", 0, "Add additional groups to join");
    f.string(&o.health_cmd, "health-cmd", 0, "Command to run to check health");
    f.string(&o.health_interval, "health-interval", 0,
             "Time between running the check (ms|s|m|h) (default 0s)", "duration");
    f.integer(&o.health_retries, "health-retries", 0,
              "Consecutive failures needed to report unhealthy");
    f.string(&o.health_start_period, "health-start-period", 0,
             "Start period for the container to initialize before starting health-retries "
             "countdown (ms|s|m|h) (default 0s)",
             "duration");
    f.string(&o.health_start_interval, "health-start-interval", 0,
             "Time between running the check during the start period (ms|s|m|h) (default 0s)",
             "duration");
    f.string(&o.health_timeout, "health-timeout", 0,
             "Maximum time to allow one check to run (ms|s|m|h) (default 0s)", "duration");
    f.string(&o.hostname, "hostname", 'h', "Container host name");
    f.boolean(&o.init, "init", 0,
              "Run an init inside the container that forwards signals and reaps processes");
    f.boolean(&o.interactive, "interactive", 'i', "Keep STDIN open even if not attached");
    f.string(&o.ipc, "ipc", 0, "IPC mode to use");
    f.strings(&o.labels, "label", 'l', "Set meta data on a container");
    f.strings(&o.mounts, "mount", 0, "Attach a filesystem mount to the container", "mount");
    f.strings(&o.label_file, "label-file", 0, "Read in a line delimited file of labels");
    f.string(&o.log_driver, "log-driver", 0, "Logging driver for the container");
    f.strings(&o.log_opts, "log-opt", 0, "Log driver options");
    f.string(&o.memory, "memory", 'm', "Memory limit", "bytes");
    f.string(&o.memory_reservation, "memory-reservation", 0, "Memory soft limit", "bytes");
    f.string(&o.memory_swap, "memory-swap", 0,
             "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", "bytes");
    f.string(&o.name, "name", 0, "Assign a name to the container");
    f.string(&o.network, "network", 0, "Connect a container to a network", "network");
    f.boolean(&o.no_healthcheck, "no-healthcheck", 0,
              "Disable any container-specified HEALTHCHECK");
    f.integer(&o.oom_score_adj, "oom-score-adj", 0, "Tune host's OOM preferences (-1000 to 1000)");
    f.string(&o.pid, "pid", 0, "PID namespace to use");
    f.integer(&o.pids_limit, "pids-limit", 0, "Tune container pids limit (set -1 for unlimited)");
    f.string(&o.platform, "platform", 0, "Set platform if server is multi-platform capable");
    f.boolean(&o.privileged, "privileged", 0, "Give extended privileges to this container");
    f.strings(&o.publish, "publish", 'p', "Publish a container's port(s) to the host");
    f.boolean(&o.publish_all, "publish-all", 'P', "Publish all exposed ports to random ports");
    f.string(&o.pull, "pull", 0, "Pull image before running (\"always\", \"missing\", \"never\")");
    f.boolean(&o.quiet, "quiet", 'q', "Suppress the pull output");
    f.boolean(&o.read_only, "read-only", 0, "Mount the container's root filesystem as read only");
    f.string(&o.restart, "restart", 0,
             "Restart policy to apply when a container exits (default \"no\")");
    if (is_run)
        f.boolean(&o.rm, "rm", 0,
                  "Automatically remove the container and its associated anonymous volumes when it "
                  "exits");
    else
        f.boolean(&o.rm, "rm", 0,
                  "Automatically remove the container and its associated anonymous volumes when it "
                  "exits");
    f.string(&o.runtime, "runtime", 0, "Runtime to use for this container");
    f.strings(&o.security_opt, "security-opt", 0, "Security Options");
    f.string(&o.shm_size, "shm-size", 0, "Size of /dev/shm", "bytes");
    if (is_run)
        f.boolean(&o.sig_proxy, "sig-proxy", 0,
                  "Proxy received signals to the process (default true)");
    f.string(&o.stop_signal, "stop-signal", 0, "Signal to stop the container");
    f.integer(&o.stop_timeout, "stop-timeout", 0, "Timeout (in seconds) to stop a container");
    f.strings(&o.sysctls, "sysctl", 0, "Sysctl options", "map");
    f.strings(&o.tmpfs, "tmpfs", 0, "Mount a tmpfs directory");
    f.boolean(&o.tty, "tty", 't', "Allocate a pseudo-TTY");
    f.strings(&o.ulimits, "ulimit", 0, "Ulimit options", "ulimit");
    f.string(&o.user, "user", 'u', "Username or UID (format: <name|uid>[:<group|gid>])");
    f.string(&o.userns, "userns", 0, "User namespace to use");
    f.string(&o.uts, "uts", 0, "UTS namespace to use");
    f.strings(&o.volumes, "volume", 'v', "Bind mount a volume");
    f.string(&o.workdir, "workdir", 'w', "Working directory inside the container");
}

void record_changed(const FlagSet& flags, RunOptions& o) {
    for (const char* name : {"init", "pids-limit", "stop-timeout", "entrypoint", "health-retries",
                             "oom-score-adj", "network", "sig-proxy", "memory-swap"})
        if (flags.changed(name)) o.changed.insert(name);
}

namespace {

int64_t bytes_flag(const std::string& value, const char* spelled) {
    try {
        return ram_in_bytes(value);
    } catch (const Error& e) {
        throw UsageError("invalid argument \"" + value + "\" for \"" + spelled +
                         "\" flag: " + e.what());
    }
}

int64_t duration_flag(const std::string& value, const char* name) {
    if (value.empty()) return 0;
    int64_t ns;
    try {
        ns = parse_go_duration(value);
    } catch (const Error& e) {
        throw UsageError("invalid argument \"" + value + "\" for \"--" + name +
                         "\" flag: " + e.what());
    }
    if (ns < 0)
        throw Error(Errc::invalid_argument, std::string("--") + name + " cannot be negative");
    return ns;
}

Json healthcheck(const RunOptions& o) {
    int64_t interval = duration_flag(o.health_interval, "health-interval");
    int64_t timeout = duration_flag(o.health_timeout, "health-timeout");
    int64_t start_period = duration_flag(o.health_start_period, "health-start-period");
    int64_t start_interval = duration_flag(o.health_start_interval, "health-start-interval");
    if (o.health_retries < 0)
        throw Error(Errc::invalid_argument, "--health-retries cannot be negative");
    bool have = !o.health_cmd.empty() || interval != 0 || timeout != 0 || start_period != 0 ||
                start_interval != 0 || o.health_retries != 0;
    if (o.no_healthcheck) {
        if (have)
            throw Error(Errc::invalid_argument,
                        "--no-healthcheck conflicts with --health-* options");
        Json h = Json::object();
        h["Test"] = Json::array({"NONE"});
        return h;
    }
    if (!have) return Json();
    Json h = Json::object();
    if (!o.health_cmd.empty()) h["Test"] = Json::array({"CMD-SHELL", o.health_cmd});
    h["Interval"] = interval;
    h["Timeout"] = timeout;
    h["StartPeriod"] = start_period;
    h["StartInterval"] = start_interval;
    h["Retries"] = o.health_retries;
    return h;
}

}  // namespace

CreateRequest build_create_request(const RunOptions& o, const std::vector<std::string>& args,
                                   const EnvLookup& env_lookup, const FileReader& read_file) {
    if (args.empty()) throw Error(Errc::invalid_argument, "no image given");
    CreateRequest req;
    req.name = o.name;
    req.platform = o.platform;
    req.image = args[0];

    // Attach streams: all of stdout/stderr (and stdin with -i) unless -a picks, none with -d.
    bool attach_stdin = false, attach_stdout = false, attach_stderr = false;
    if (!o.detach) {
        if (o.attach.empty()) {
            attach_stdout = attach_stderr = true;
            attach_stdin = o.interactive;
        }
        for (const auto& a : o.attach) {
            std::string s = a;
            for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (s == "stdin")
                attach_stdin = true;
            else if (s == "stdout")
                attach_stdout = true;
            else if (s == "stderr")
                attach_stderr = true;
            else
                throw UsageError("invalid argument \"" + a +
                                 "\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT "
                                 "and STDERR");
        }
    } else if (!o.attach.empty()) {
        throw Error(Errc::invalid_argument,
                    "conflicting options: cannot specify both --attach and --detach");
    }

    Json restart = parse_restart_policy(o.restart);
    if (o.rm && restart["Name"] != "" && restart["Name"] != "no")
        throw Error(Errc::invalid_argument,
                    "conflicting options: cannot specify both --restart and --rm");

    std::vector<std::string> env;
    for (const auto& file : o.env_file) {
        auto lines = parse_env_file(file, read_file(file), env_lookup);
        env.insert(env.end(), lines.begin(), lines.end());
    }
    for (const auto& e : o.env) env.push_back(resolve_env(e, env_lookup));

    Json labels = Json::object();
    for (const auto& file : o.label_file)
        for (const auto& line : parse_env_file(file, read_file(file), nullptr))
            parse_key_value(line, labels);
    for (const auto& l : o.labels) parse_key_value(l, labels);

    Json exposed = Json::object(), bindings = Json::object();
    parse_ports(o.publish, exposed, bindings);
    for (const auto& e : o.expose) {
        std::string key = e.find('/') == std::string::npos ? e + "/tcp" : e;
        exposed[key] = Json::object();
    }

    Json volumes = Json::object();
    Json binds = Json::array();
    for (const auto& v : o.volumes) {
        if (v.find(':') == std::string::npos)
            volumes[v] = Json::object();
        else
            binds.push_back(v);
    }

    Json& c = req.body;
    c = Json::object();
    c["Hostname"] = o.hostname;
    c["Domainname"] = o.domainname;
    c["User"] = o.user;
    c["AttachStdin"] = attach_stdin;
    c["AttachStdout"] = attach_stdout;
    c["AttachStderr"] = attach_stderr;
    if (!exposed.empty()) c["ExposedPorts"] = exposed;
    c["Tty"] = o.tty;
    c["OpenStdin"] = o.interactive;
    c["StdinOnce"] = o.interactive && attach_stdin;
    c["Env"] = env;
    if (args.size() > 1)
        c["Cmd"] = std::vector<std::string>(args.begin() + 1, args.end());
    else
        c["Cmd"] = nullptr;
    if (Json h = healthcheck(o); !h.is_null()) c["Healthcheck"] = h;
    c["Image"] = args[0];
    c["Volumes"] = volumes;
    c["WorkingDir"] = o.workdir;
    if (!o.entrypoint.empty())
        c["Entrypoint"] = Json::array({o.entrypoint});
    else if (o.changed.count("entrypoint"))
        c["Entrypoint"] = Json::array({""});
    else
        c["Entrypoint"] = nullptr;
    c["Labels"] = labels;
    if (!o.stop_signal.empty()) c["StopSignal"] = o.stop_signal;
    if (o.changed.count("stop-timeout")) c["StopTimeout"] = o.stop_timeout;

    Json h = Json::object();
    h["Binds"] = binds.empty() ? Json() : binds;
    if (!o.mounts.empty()) {
        Json mounts = Json::array();
        for (const auto& m : o.mounts) mounts.push_back(parse_mount_opt(m));
        h["Mounts"] = mounts;
    }
    Json log_config = Json::object();
    log_config["Type"] = o.log_driver;
    Json log_opts = Json::object();
    for (const auto& opt : o.log_opts) parse_key_value(opt, log_opts);
    log_config["Config"] = log_opts;
    h["LogConfig"] = log_config;
    h["NetworkMode"] = o.network;
    h["PortBindings"] = bindings;
    h["RestartPolicy"] = restart;
    h["AutoRemove"] = o.rm;
    if (!o.cap_add.empty()) h["CapAdd"] = o.cap_add;
    if (!o.cap_drop.empty()) h["CapDrop"] = o.cap_drop;
    if (!o.dns.empty()) h["Dns"] = o.dns;
    if (!o.dns_options.empty()) h["DnsOptions"] = o.dns_options;
    if (!o.dns_search.empty()) h["DnsSearch"] = o.dns_search;
    if (!o.add_hosts.empty()) h["ExtraHosts"] = o.add_hosts;
    if (!o.group_add.empty()) h["GroupAdd"] = o.group_add;
    if (!o.ipc.empty()) h["IpcMode"] = o.ipc;
    if (!o.cgroupns.empty()) h["CgroupnsMode"] = o.cgroupns;
    if (!o.pid.empty()) h["PidMode"] = o.pid;
    if (!o.uts.empty()) h["UTSMode"] = o.uts;
    if (!o.userns.empty()) h["UsernsMode"] = o.userns;
    if (!o.runtime.empty()) h["Runtime"] = o.runtime;
    h["OomScoreAdj"] = o.oom_score_adj;
    h["Privileged"] = o.privileged;
    h["PublishAllPorts"] = o.publish_all;
    h["ReadonlyRootfs"] = o.read_only;
    if (!o.security_opt.empty()) h["SecurityOpt"] = parse_security_opts(o.security_opt, read_file);
    if (!o.tmpfs.empty()) {
        Json tmpfs = Json::object();
        for (const auto& t : o.tmpfs) {
            auto colon = t.find(':');
            tmpfs[t.substr(0, colon)] = colon == std::string::npos ? "" : t.substr(colon + 1);
        }
        h["Tmpfs"] = tmpfs;
    }
    if (!o.sysctls.empty()) {
        Json sysctls = Json::object();
        for (const auto& s : o.sysctls) parse_key_value(s, sysctls);
        h["Sysctls"] = sysctls;
    }
    if (!o.shm_size.empty()) h["ShmSize"] = bytes_flag(o.shm_size, "--shm-size");
    h["CpuShares"] = o.cpu_shares;
    h["Memory"] = o.memory.empty() ? 0 : bytes_flag(o.memory, "-m, --memory");
    if (!o.memory_reservation.empty())
        h["MemoryReservation"] = bytes_flag(o.memory_reservation, "--memory-reservation");
    if (!o.memory_swap.empty())
        h["MemorySwap"] =
            o.memory_swap == "-1" ? int64_t{-1} : bytes_flag(o.memory_swap, "--memory-swap");
    h["NanoCpus"] = o.cpus.empty() ? 0 : parse_cpus(o.cpus);
    if (o.cpu_period) h["CpuPeriod"] = o.cpu_period;
    if (o.cpu_quota) h["CpuQuota"] = o.cpu_quota;
    if (!o.cpuset_cpus.empty()) h["CpusetCpus"] = o.cpuset_cpus;
    if (!o.devices.empty()) {
        Json devices = Json::array();
        for (const auto& d : o.devices) devices.push_back(parse_device(d));
        h["Devices"] = devices;
    }
    if (o.changed.count("pids-limit")) h["PidsLimit"] = o.pids_limit;
    if (!o.ulimits.empty()) {
        Json ulimits = Json::array();
        for (const auto& u : o.ulimits) {
            try {
                ulimits.push_back(parse_ulimit(u));
            } catch (const Error& e) {
                // docker's ulimit flag type checks the value while parsing flags (exit 125)
                throw UsageError("invalid argument \"" + u +
                                 "\" for \"--ulimit\" flag: " + e.what());
            }
        }
        h["Ulimits"] = ulimits;
    }
    if (o.changed.count("init")) h["Init"] = o.init;
    c["HostConfig"] = h;

    Json endpoints = Json::object();
    if (o.network != "default" && !o.network.empty()) endpoints[o.network] = Json::object();
    c["NetworkingConfig"] = Json{{"EndpointsConfig", endpoints}};
    return req;
}

}  // namespace berth::cli
