#pragma once
// berthd's configuration: command-line flags over /etc/berth/daemon.json over defaults.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::daemon {

inline constexpr const char* kDefaultConfigFile = "/etc/berth/daemon.json";
inline constexpr const char* kDefaultSocketGroup = "docker";

struct Config {
    std::string data_root = "/var/lib/berth";
    std::string exec_root = "/run/berth";
    std::vector<std::string> hosts;  // empty: unix:///run/berth/berthd.sock
    std::string log_level = "info";  // debug, info, warn, error
    std::string pidfile = "/run/berth/berthd.pid";
    // Group of the unix sockets (-G, --group), as dockerd: members may use the API without
    // root. The default group missing is a warning (root's group then); a named one, an error.
    std::string group = kDefaultSocketGroup;
    std::string default_runtime = "berth";
    std::map<std::string, std::string> runtimes;  // --add-runtime name=path
    std::vector<std::string> labels;
    // The log config of containers that name no driver (--log-driver, --log-opt; daemon.json
    // "log-driver", "log-opts"), merged as dockerd does: a container's own options win.
    std::string log_driver = "json-file";
    std::map<std::string, std::string> log_opts;
    // Container defaults from daemon.json, used where a container sets none (as dockerd):
    // "dns", "dns-search", "dns-opts", and "default-ulimits" in dockerd's shape,
    // {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}}.
    std::vector<std::string> dns, dns_search, dns_opts;
    struct Ulimit {
        std::string name;
        int64_t soft = 0, hard = 0;
    };
    std::vector<Ulimit> default_ulimits;
    // Registries (dockerd's keys and flags): mirrors of docker.io, hosts (or CIDRs) that may
    // use plain http besides loopback, parallel layer transfers per pull or push.
    std::vector<std::string> registry_mirrors, insecure_registries;
    int max_concurrent_downloads = 3;
    int max_concurrent_uploads = 5;
    std::string config_file = kDefaultConfigFile;
    bool config_file_given = false;
    // TLS for tcp listeners, as dockerd: --tls serves TLS, --tlsverify (which implies --tls)
    // also requires client certificates signed by tlscacert. tls_explicitly_off is
    // `--tls=false` (or "tls": false in the file), the operator's consent to an insecure tcp
    // socket. Unix sockets never use TLS.
    bool tls = false;
    bool tls_explicitly_off = false;
    bool tlsverify = false;
    // Empty until parse_args fills in the defaults: $DOCKER_CERT_PATH/{ca,cert,key}.pem, or
    // ~/.docker/... when that is unset (dockerd's defaults).
    std::string tlscacert, tlscert, tlskey;
};

// The directory of the default TLS files: $DOCKER_CERT_PATH, else $HOME/.docker.
std::string default_cert_dir();

// Resolves --tlsverify implying --tls and the default file names; then, when TLS is on,
// checks the files it needs can be read (the CA only with --tlsverify). Throws
// invalid_argument naming the file and its flag.
void resolve_tls(Config& config);

// Result of parsing the command line: either run with config, or exit with code (after --help
// or --version, or a bad flag; the message is already printed).
struct ParsedArgs {
    Config config;
    std::optional<int> exit_code;
};

// Throws berth::Error (invalid_argument) for a bad daemon.json or inconsistent settings.
ParsedArgs parse_args(int argc, char** argv);

// Applies the file's settings to every field the command line did not set. Unknown keys and
// wrong types are invalid_argument naming the key. `given` lists the flags given on the
// command line by their daemon.json names.
void apply_config_file(Config& config, const std::string& text,
                       const std::vector<std::string>& given);

// Re-reads the file for SIGHUP; only settings safe to change live (log-level) take effect.
std::optional<std::string> reload_log_level(const Config& config);

}  // namespace berth::daemon
