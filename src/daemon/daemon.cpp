#include "daemon/daemon.hpp"

#include <grp.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <malloc.h>
#include <cerrno>
#include <unistd.h>

#include "api/containers/containers_router.hpp"
#include "api/events/event_bus.hpp"
#include "api/exec/exec_router.hpp"
#include "api/images/images_router.hpp"
#include "api/mux.hpp"
#include "api/server/listen_address.hpp"
#include "api/server/server.hpp"
#include "api/server/tls_context.hpp"
#include "api/system/system_router.hpp"
#include "api/swarm/swarm_router.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "daemon/container_backend_impl.hpp"
#include "daemon/engine_id.hpp"
#include "daemon/engine_services.hpp"
#include "daemon/image_backend_impl.hpp"
#include "daemon/logging.hpp"
#include "daemon/pidfile.hpp"
#include "daemon/system_backend_impl.hpp"
#include "engine/blkio_settings.hpp"

namespace berth::daemon {

void block_daemon_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // A client that hangs up mid-response must not kill the daemon.
    signal(SIGPIPE, SIG_IGN);
}

namespace {

std::vector<api::ListenAddress> listen_addresses(const Config& c) {
    std::vector<api::ListenAddress> out;
    if (c.hosts.empty()) out.push_back(api::parse_listen_address("unix://"));
    for (const auto& h : c.hosts) out.push_back(api::parse_listen_address(h));
    return out;
}

void publish_reload(api::EventBus& bus, const std::string& id, const api::HostInfo& host,
                    const Config& c) {
    std::string runtimes;
    for (const auto& [name, path] : c.runtimes)
        runtimes.append(runtimes.empty() ? "" : " ").append(name).append(":").append(path);
    bus.publish("daemon", "reload", id,
                {{"name", host.hostname},
                 {"log-level", c.log_level},
                 {"default-runtime", c.default_runtime},
                 {"runtimes", runtimes}});
}

// dockerd's rule for -G: a group by name or number; the default group ("docker") missing is a
// warning and the sockets keep root's group, any other missing group stops the daemon.
int socket_group_id(const std::string& group) {
    if (group.empty()) return -1;
    std::vector<char> buf(16384);
    struct group g {};
    struct group* found = nullptr;
    if (::getgrnam_r(group.c_str(), &g, buf.data(), buf.size(), &found) == 0 && found) return static_cast<int>(found->gr_gid);
    if (group.find_first_not_of("0123456789") == std::string::npos && group.size() < 10) return std::stoi(group);
    if (group == kDefaultSocketGroup) {
        spdlog::warn("group {} not found: the API socket keeps root's group (-G, --group)", group);
        return -1;
    }
    throw Error(Errc::invalid_argument, "group " + group + " for the API socket not found (-G, --group)");
}

}  // namespace

int run_daemon(const Config& config) {
    Config cfg = config;
    api::ServerOptions server_options;
    server_options.io_threads = 2;
    server_options.allow_insecure_tcp = cfg.tls_explicitly_off;
    server_options.socket_gid = socket_group_id(cfg.group);
    if (cfg.tls) {
        // First, so a bad certificate fails start-up before any work. Loaded (and so checked)
        // even with no tcp socket, as dockerd does.
        server_options.tls = api::TlsContext::load({.ca_file = cfg.tlscacert,
                                                    .cert_file = cfg.tlscert,
                                                    .key_file = cfg.tlskey,
                                                    .verify_clients = cfg.tlsverify});
    }
    mkdir_all(cfg.data_root, 0711);
    mkdir_all(cfg.exec_root, 0711);
    PidFile pidfile(cfg.pidfile);

    api::SystemConfig sys;
    sys.id = load_or_create_engine_id(cfg.data_root);
    sys.data_root = cfg.data_root;
    sys.exec_root = cfg.exec_root;
    sys.debug = cfg.log_level == "debug";
    sys.default_runtime = cfg.default_runtime;
    sys.runtimes = cfg.runtimes;
    sys.labels = cfg.labels;
    sys.logging_driver = cfg.log_driver;
    sys.registry_mirrors = cfg.registry_mirrors;
    sys.insecure_registries = cfg.insecure_registries;

    api::HostInfo host = api::HostInfo::detect();
    // Block I/O support is probed once, here (dockerd's sysinfo): create and update discard
    // what is missing with a warning, and /info lists it.
    sys.cgroup_warnings = runtime::cgroups::blkio_info_warnings(engine::host_blkio());
    api::EventBus events;
    // The engine: state DB, stores, snapshots, images, containers. Live containers are found
    // again in their shims; exits while the daemon was down are recorded.
    Json default_ulimits = Json::array();
    for (const auto& u : cfg.default_ulimits) default_ulimits.push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
    EngineServices services(cfg.data_root, cfg.exec_root, events, cfg.runtimes, cfg.default_runtime, cfg.log_driver,
                            cfg.log_opts, {cfg.dns, cfg.dns_search, cfg.dns_opts}, default_ulimits);
    for (const auto& line : services.containers->restore()) spdlog::info("restore: {}", line);
    services.sweep_abandoned_space();
    try {
        // The embedded image, so the first `docker run busybox` needs no registry.
        services.ensure_busybox();
    } catch (const std::exception& e) {
        spdlog::warn("could not build busybox:latest from /bin/busybox: {}", e.what());
    }
    SystemBackendImpl system_backend(services);
    ContainerBackendImpl container_backend(services);
    registry::RegistryConfig registry_config;
    registry_config.mirrors = cfg.registry_mirrors;
    registry_config.insecure = cfg.insecure_registries;
    registry_config.max_concurrent_downloads = cfg.max_concurrent_downloads;
    registry_config.max_concurrent_uploads = cfg.max_concurrent_uploads;
    registry::RegistryHosts registries(registry_config);
    ImageBackendImpl image_backend(services, registries);
    api::SystemRouter system_router(sys, host, system_backend, events);
    api::ContainersRouter containers_router(container_backend);
    api::ExecRouter exec_router(container_backend);
    api::ImagesRouter images_router(image_backend);
    api::SwarmRouter swarm_router;
    api::Mux mux;
    mux.add(system_router);
    mux.add(containers_router);
    mux.add(exec_router);
    mux.add(images_router);
    mux.add(swarm_router);

    api::Server server(mux, server_options);
    for (const auto& address : listen_addresses(cfg)) server.listen(address);
    server.start();
    // Start-up (restore, the busybox build, the seccomp profile) leaves freed heap behind.
    ::malloc_trim(0);
    spdlog::info("berthd {} started: pid {}, data-root {}, exec-root {}, API {}", BERTH_VERSION,
                 ::getpid(), cfg.data_root, cfg.exec_root, api::kMaxApiVersionText);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    for (;;) {
        // Every 10 s without a signal: give freed heap back to the kernel. Bursts (a hundred
        // containers run and removed) leave it in malloc's arenas, and RSS would stay there.
        timespec idle_period{10, 0};
        int sig = sigtimedwait(&set, nullptr, &idle_period);
        if (sig < 0) {
            if (errno == EAGAIN) ::malloc_trim(0);
            continue;
        }
        if (sig == SIGHUP) {
            // Like dockerd: re-read daemon.json, apply what can change live, announce it.
            try {
                if (auto level = reload_log_level(cfg)) {
                    cfg.log_level = *level;
                    set_log_level(*level);
                }
                spdlog::info("configuration reloaded (log-level {})", cfg.log_level);
                publish_reload(events, sys.id, host, cfg);
            } catch (const std::exception& e) {
                spdlog::error("reload failed, keeping the old configuration: {}", e.what());
            }
            continue;
        }
        spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    events.close();                // ends /events streams
    containers_router.shutdown();  // ends waits, logs -f and stats streams
    container_backend.shutdown();
    bool clean = server.stop(std::chrono::seconds(5));
    pidfile.remove();
    spdlog::info("berthd stopped");
    if (!clean) {
        // A handler is stuck; everything durable is already done, so leave without
        // waiting for it (destructors would).
        std::_Exit(0);
    }
    return 0;
}

}  // namespace berth::daemon
