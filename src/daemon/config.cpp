#include "daemon/config.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "engine/container_config.hpp"
#include "engine/oci_config.hpp"

namespace berth::daemon {

namespace {

const std::vector<std::string> kLogLevels = {"debug", "info", "warn", "error", "fatal"};

void check_log_level(const std::string& level) {
    if (std::find(kLogLevels.begin(), kLogLevels.end(), level) == kLogLevels.end())
        throw Error(Errc::invalid_argument,
                    "invalid log level \"" + level + "\": use debug, info, warn, error or fatal");
}

void check_log_defaults(const std::string& driver, const std::map<std::string, std::string>& opts) {
    try {
        engine::validate_log_driver(driver, opts);
    } catch (const Error& e) {
        throw Error(Errc::invalid_argument, std::string("default log config (--log-driver, --log-opt): ") + e.what());
    }
}

std::pair<std::string, std::string> split_runtime(const std::string& spec) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        throw Error(Errc::invalid_argument,
                    "invalid --add-runtime \"" + spec + "\": expected name=path");
    return {spec.substr(0, eq), spec.substr(eq + 1)};
}

bool given(const std::vector<std::string>& flags, const char* key) {
    return std::find(flags.begin(), flags.end(), key) != flags.end();
}

void check_readable(const std::string& path, const char* what, const char* flag) {
    if (::access(path.c_str(), R_OK) != 0)
        throw Error(Errc::invalid_argument, std::string("cannot read the TLS ") + what + " \"" +
                                                path + "\" (" + flag +
                                                "): " + std::strerror(errno));
}

}  // namespace

std::string default_cert_dir() {
    if (const char* p = std::getenv("DOCKER_CERT_PATH"); p != nullptr && *p != '\0') return p;
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr && *home != '\0' ? home : "/root") + "/.docker";
}

void resolve_tls(Config& c) {
    // dockerd: --tlsverify turns TLS on, whatever --tls says.
    if (c.tlsverify) {
        c.tls = true;
        c.tls_explicitly_off = false;
    }
    std::string dir = default_cert_dir();
    if (c.tlscacert.empty()) c.tlscacert = dir + "/ca.pem";
    if (c.tlscert.empty()) c.tlscert = dir + "/cert.pem";
    if (c.tlskey.empty()) c.tlskey = dir + "/key.pem";
    if (!c.tls) return;
    if (c.tlsverify) check_readable(c.tlscacert, "CA certificate", "--tlscacert");
    check_readable(c.tlscert, "certificate", "--tlscert");
    check_readable(c.tlskey, "key", "--tlskey");
}

void apply_config_file(Config& c, const std::string& text, const std::vector<std::string>& flags) {
    const std::string doc = c.config_file;
    Json root = parse_json(text, doc);
    JsonReader r(root, doc);
    r.require_object();
    for (const auto& [key, value] : r.entries()) {
        auto set_string = [&](std::string& field) {
            if (!given(flags, key.c_str()))
                field = value.as_string();
            else
                value.as_string();  // still type-checked
        };
        if (key == "data-root")
            set_string(c.data_root);
        else if (key == "exec-root")
            set_string(c.exec_root);
        else if (key == "pidfile")
            set_string(c.pidfile);
        else if (key == "group")
            set_string(c.group);
        else if (key == "log-level")
            set_string(c.log_level);
        else if (key == "default-runtime")
            set_string(c.default_runtime);
        else if (key == "tlscacert")
            set_string(c.tlscacert);
        else if (key == "tlscert")
            set_string(c.tlscert);
        else if (key == "tlskey")
            set_string(c.tlskey);
        else if (key == "debug") {
            if (value.as_bool() && !given(flags, "log-level")) c.log_level = "debug";
        } else if (key == "hosts") {
            auto hosts = r.string_list("hosts");
            if (!given(flags, "hosts")) c.hosts = hosts;
        } else if (key == "labels") {
            auto labels = r.string_list("labels");
            if (!given(flags, "labels")) c.labels = labels;
        } else if (key == "tls") {
            bool on = value.as_bool();
            if (!given(flags, "tls")) {
                c.tls = on;
                c.tls_explicitly_off = !on;
            }
        } else if (key == "tlsverify") {
            bool on = value.as_bool();
            if (!given(flags, "tlsverify")) c.tlsverify = on;
        } else if (key == "log-driver") {
            set_string(c.log_driver);
        } else if (key == "log-opts") {
            std::map<std::string, std::string> opts;
            for (const auto& [k, v] : value.entries()) opts[k] = v.as_string();
            if (!given(flags, "log-opts")) c.log_opts = opts;
        } else if (key == "dns") {
            c.dns = r.string_list("dns");
            for (const auto& ip : c.dns) engine::check_dns_server(ip);
        } else if (key == "dns-search") {
            c.dns_search = r.string_list("dns-search");
        } else if (key == "dns-opts") {
            c.dns_opts = r.string_list("dns-opts");
        } else if (key == "default-ulimits") {
            for (const auto& [name, u] : value.entries()) {
                u.require_object();
                Config::Ulimit limit{name, u.at("Soft").as_int(), u.at("Hard").as_int()};
                if (u.get("Name") && u.at("Name").as_string() != name) u.fail("Name must be \"" + name + "\"");
                engine::check_ulimit(limit.name, limit.soft, limit.hard);
                c.default_ulimits.push_back(limit);
            }
        } else if (key == "registry-mirrors") {
            auto list = r.string_list("registry-mirrors");
            for (const auto& m : list)
                if (!m.starts_with("http://") && !m.starts_with("https://"))
                    value.fail("invalid mirror: unsupported scheme in \"" + m + "\" (use http:// or https://)");
            if (!given(flags, "registry-mirrors")) c.registry_mirrors = list;
        } else if (key == "insecure-registries") {
            auto list = r.string_list("insecure-registries");
            if (!given(flags, "insecure-registries")) c.insecure_registries = list;
        } else if (key == "max-concurrent-downloads" || key == "max-concurrent-uploads") {
            int64_t n = value.as_int();
            if (n < 1 || n > 64) value.fail("must be between 1 and 64");
            int& field = key == "max-concurrent-downloads" ? c.max_concurrent_downloads
                                                           : c.max_concurrent_uploads;
            if (!given(flags, key.c_str())) field = static_cast<int>(n);
        } else if (key == "storage-driver") {
            // berth has one storage driver; a daemon.json written for dockerd often names it.
            std::string driver = value.as_string();
            if (driver != "overlay2" && driver != "overlay") {
                value.fail("berth stores containers on overlayfs only (\"overlay2\"), not \"" + driver + "\"");
            }
        } else if (key == "live-restore") {
            // berth's shims always outlive berthd: containers keep running across a daemon
            // restart whatever this says. Accepted so dockerd's files work unchanged.
            (void)value.as_bool();
        } else if (key == "runtimes") {
            // dockerd's shape: {"runc": {"path": "/usr/bin/runc"}}; flags add to it.
            for (const auto& [name, rt] : value.entries()) {
                rt.require_object();
                for (const auto& [k, _] : rt.entries())
                    if (k != "path" && k != "runtimeArgs")
                        rt.fail("unknown key \"" + k + "\" (runtimes take \"path\")");
                c.runtimes.emplace(name, rt.at("path").as_string());
            }
        } else {
            throw Error(Errc::invalid_argument,
                        doc + ": unknown configuration key \"" + key + "\"");
        }
    }
}

ParsedArgs parse_args(int argc, char** argv) {
    ParsedArgs out;
    Config& c = out.config;
    CLI::App app{"berthd: the berth container engine daemon (Docker Engine API v1.47)", "berthd"};
    app.set_version_flag("-v,--version", std::string("berthd version ") + BERTH_VERSION);
    std::vector<std::string> runtime_specs;
    bool debug = false;
    bool tls = false;
    auto* o_data = app.add_option("--data-root", c.data_root, "Root of persistent state")
                       ->capture_default_str();
    auto* o_exec =
        app.add_option("--exec-root", c.exec_root, "Root of runtime state")->capture_default_str();
    auto* o_host =
        app.add_option("-H,--host", c.hosts,
                       "Socket to listen on: unix:///path or tcp://host:port (repeatable)")
            ->allow_extra_args(false);
    auto* o_log = app.add_option("-l,--log-level", c.log_level, "debug, info, warn or error")
                      ->capture_default_str();
    auto* o_debug = app.add_flag("-D,--debug", debug, "Same as --log-level=debug");
    auto* o_pid =
        app.add_option("-p,--pidfile", c.pidfile, "Path of the pid file")->capture_default_str();
    auto* o_group = app.add_option("-G,--group", c.group,
                                   "Group of the unix sockets (its members may use the API)")
                        ->capture_default_str();
    auto* o_defrt = app.add_option("--default-runtime", c.default_runtime,
                                   "Runtime for containers that name none")
                        ->capture_default_str();
    auto* o_addrt = app.add_option("--add-runtime", runtime_specs,
                                   "An external OCI runtime, name=path (repeatable)")
                        ->allow_extra_args(false);
    auto* o_label = app.add_option("--label", c.labels, "Daemon label key=value (repeatable)")
                        ->allow_extra_args(false);
    std::vector<std::string> log_opt_specs;
    auto* o_logdrv = app.add_option("--log-driver", c.log_driver,
                                    "Default log driver of containers: json-file or none")
                         ->capture_default_str();
    auto* o_logopt = app.add_option("--log-opt", log_opt_specs,
                                    "Default log driver option key=value (repeatable)")
                         ->allow_extra_args(false);
    auto* o_cfg = app.add_option("--config-file", c.config_file, "daemon.json to read")
                      ->capture_default_str();
    auto* o_tls = app.add_flag("--tls", tls,
                               "Use TLS on tcp sockets; implied by --tlsverify. --tls=false "
                               "allows plain tcp (insecure)");
    auto* o_tlsverify = app.add_flag("--tlsverify", c.tlsverify,
                                     "Use TLS and require client certificates signed by "
                                     "--tlscacert");
    std::string cert_dir = default_cert_dir();
    auto* o_ca = app.add_option("--tlscacert", c.tlscacert,
                                "Trust client certificates signed only by this CA (default " +
                                    cert_dir + "/ca.pem, from $DOCKER_CERT_PATH or ~/.docker)");
    auto* o_cert = app.add_option("--tlscert", c.tlscert,
                                  "Server certificate (default " + cert_dir + "/cert.pem)");
    auto* o_key = app.add_option("--tlskey", c.tlskey,
                                 "Server private key (default " + cert_dir + "/key.pem)");
    auto* o_mirror = app.add_option("--registry-mirror", c.registry_mirrors,
                                    "Preferred registry mirror of docker.io (repeatable)");
    auto* o_insecure = app.add_option("--insecure-registry", c.insecure_registries,
                                      "Registry host[:port] or CIDR that may use plain http (repeatable)");
    auto* o_downloads = app.add_option("--max-concurrent-downloads", c.max_concurrent_downloads,
                                       "Layers downloaded at once by a pull")
                            ->capture_default_str();
    auto* o_uploads = app.add_option("--max-concurrent-uploads", c.max_concurrent_uploads,
                                     "Layers uploaded at once by a push")
                          ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        out.exit_code = app.exit(e);
        return out;
    }
    if (o_debug->count() > 0 && debug) c.log_level = "debug";
    if (o_tls->count() > 0) {
        c.tls = tls;
        c.tls_explicitly_off = !tls;
    }

    std::vector<std::string> flags;
    auto note = [&](CLI::Option* o, const char* key) {
        if (o->count() > 0) flags.push_back(key);
    };
    note(o_data, "data-root");
    note(o_exec, "exec-root");
    note(o_host, "hosts");
    note(o_log, "log-level");
    note(o_debug, "log-level");
    note(o_pid, "pidfile");
    note(o_group, "group");
    note(o_defrt, "default-runtime");
    note(o_label, "labels");
    note(o_logdrv, "log-driver");
    note(o_logopt, "log-opts");
    note(o_tls, "tls");
    note(o_tlsverify, "tlsverify");
    note(o_ca, "tlscacert");
    note(o_cert, "tlscert");
    note(o_key, "tlskey");
    note(o_mirror, "registry-mirrors");
    note(o_insecure, "insecure-registries");
    note(o_downloads, "max-concurrent-downloads");
    note(o_uploads, "max-concurrent-uploads");
    c.config_file_given = o_cfg->count() > 0;

    // The default file may be absent; a file named on the command line must exist.
    auto text = c.config_file_given ? std::optional<std::string>(read_file(c.config_file))
                                    : read_file_if_exists(c.config_file);
    if (text) apply_config_file(c, *text, flags);
    (void)o_addrt;
    if (o_logopt->count() > 0) {
        c.log_opts.clear();
        for (const auto& spec : log_opt_specs) {
            auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0)
                throw Error(Errc::invalid_argument, "invalid --log-opt \"" + spec + "\": expected key=value");
            c.log_opts[spec.substr(0, eq)] = spec.substr(eq + 1);
        }
    }
    for (const auto& spec : runtime_specs) {
        auto [name, path] = split_runtime(spec);
        c.runtimes[name] = path;  // a flag wins over the file's entry of the same name
    }
    check_log_level(c.log_level);
    check_log_defaults(c.log_driver, c.log_opts);
    if (c.runtimes.count("berth"))
        throw Error(Errc::invalid_argument,
                    "runtime name \"berth\" is reserved for the built-in runtime");
    if (c.default_runtime != "berth" && !c.runtimes.count(c.default_runtime))
        throw Error(Errc::invalid_argument, "default runtime \"" + c.default_runtime +
                                                "\" is not berth nor one added with --add-runtime");
    for (const auto* dir : {&c.data_root, &c.exec_root})
        if (dir->empty() || dir->front() != '/')
            throw Error(Errc::invalid_argument, "\"" + *dir + "\" must be an absolute path");
    resolve_tls(c);
    return out;
}

std::optional<std::string> reload_log_level(const Config& config) {
    auto text = read_file_if_exists(config.config_file);
    if (!text) return std::nullopt;
    Config fresh = config;
    apply_config_file(fresh, *text, {});
    check_log_level(fresh.log_level);
    return fresh.log_level;
}

}  // namespace berth::daemon
