#include "cli/cli.hpp"

#include <cstdlib>
#include <cstring>

#include "cli/flags/flag_set.hpp"
#include "client/errors.hpp"

namespace berth::cli {

Cli::Cli(std::string host_flag, client::TlsFlags tls)
    : host_url_(client::choose_host(host_flag)), tls_flags_(std::move(tls)) {}

client::ApiClient& Cli::api() {
    if (!api_) {
        const char* pinned = std::getenv("BERTH_API_VERSION");
        client::Host host = client::parse_host(host_url_);
        if (host.kind == client::Host::Kind::tcp) {
            if (auto tls = client::resolve_tls(tls_flags_)) {
                host.tls = std::make_shared<const client::TlsClientContext>(*tls);
                if (!host.port_given) host.port = 2376;  // Docker's TLS port
            }
        }
        api_ = std::make_unique<client::ApiClient>(std::move(host), pinned ? pinned : "");
    }
    return *api_;
}

std::string describe_error(const std::exception& e) {
    if (dynamic_cast<const client::DaemonError*>(&e) != nullptr)
        return std::string("Error response from daemon: ") + e.what();
    return e.what();
}

namespace {

constexpr const char* kVersionString = "berth version " BERTH_VERSION;

std::string main_help() {
    std::string out =
        "Usage:  berth [OPTIONS] COMMAND\n\n"
        "A self-sufficient runtime for containers, compatible with Docker\n\n"
        "Commands:\n";
    for (const auto& c : top_level_commands()) {
        std::string name = c.name;
        out += "  " + name + std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') +
               c.description + "\n";
    }
    out +=
        "\nGlobal Options:\n"
        "      --config string      Location of client config files (default ~/.berth, or\n"
        "                           $BERTH_CONFIG)\n"
        "  -D, --debug              Enable debug mode\n"
        "  -H, --host string        Daemon socket to connect to (default " +
        std::string(client::kDefaultHost) +
        ", or $BERTH_HOST)\n"
        "  -l, --log-level string   Set the logging level (\"debug\", \"info\", \"warn\", "
        "\"error\", \"fatal\")\n"
        "      --tls                Use TLS; implied by --tlsverify ($BERTH_TLS, $DOCKER_TLS)\n"
        "      --tlscacert string   Trust certs signed only by this CA (default ca.pem in\n"
        "                           $BERTH_CERT_PATH, $DOCKER_CERT_PATH or ~/.docker)\n"
        "      --tlscert string     Path to TLS certificate file (default cert.pem there)\n"
        "      --tlskey string      Path to TLS key file (default key.pem there)\n"
        "      --tlsverify          Use TLS and verify the remote ($BERTH_TLS_VERIFY,\n"
        "                           $DOCKER_TLS_VERIFY)\n"
        "  -v, --version            Print version information and quit\n\n"
        "Run 'berth COMMAND --help' for more information on a command.\n";
    return out;
}

}  // namespace

int run_cli(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string host, log_level, config;
    bool debug = false, version = false, tls = false, tlsverify = false;
    std::string tlscacert, tlscert, tlskey;
    FlagSet global("berth", "[OPTIONS] COMMAND");
    global.set_interspersed(false);
    global.string(&host, "host", 'H', "Daemon socket to connect to");
    global.boolean(&debug, "debug", 'D', "Enable debug mode");
    global.string(&log_level, "log-level", 'l', "Set the logging level");
    global.boolean(&version, "version", 'v', "Print version information and quit");
    global.string(&config, "config", 0, "Location of client config files (default ~/.berth)");
    global.boolean(&tls, "tls", 0, "Use TLS; implied by --tlsverify");
    global.boolean(&tlsverify, "tlsverify", 0, "Use TLS and verify the remote");
    global.string(&tlscacert, "tlscacert", 0, "Trust certs signed only by this CA");
    global.string(&tlscert, "tlscert", 0, "Path to TLS certificate file");
    global.string(&tlskey, "tlskey", 0, "Path to TLS key file");
    std::string command_name;
    std::string current_path = "berth";
    try {
        auto rest = global.parse(args);
        if (version) {
            std::printf("%s\n", kVersionString);
            return 0;
        }
        if (rest.empty() || global.help_requested()) {
            std::fputs(main_help().c_str(), stdout);
            return 0;
        }
        command_name = rest[0];
        std::vector<std::string> cmd_args(rest.begin() + 1, rest.end());
        const Command* cmd = find_command("", command_name);
        if (cmd == nullptr && !cmd_args.empty()) {
            // Management commands: "container ls", "image rm", "system df".
            const Command* sub = find_command(command_name, cmd_args[0]);
            if (sub != nullptr) {
                current_path = "berth " + command_name + " " + cmd_args[0];
                command_name = command_name + " " + cmd_args[0];
                cmd_args.erase(cmd_args.begin());
                cmd = sub;
            }
        }
        if (cmd == nullptr) {
            if (auto help = group_help(command_name)) {
                // A management command alone (or with --help) shows its subcommands, as
                // docker; an unknown subcommand is docker's error for the group.
                if (cmd_args.empty() || cmd_args[0] == "--help") {
                    // (docker writes this help to stderr, and exits 0)
                    std::fputs(help->c_str(), cmd_args.empty() ? stderr : stdout);
                    return 0;
                }
                std::fprintf(stderr,
                             "berth: unknown command: berth %s %s\n\nUsage:  berth %s\n\nRun "
                             "'berth %s --help' for more information\n",
                             command_name.c_str(), cmd_args[0].c_str(), command_name.c_str(),
                             command_name.c_str());
                return 1;
            }
            std::fprintf(
                stderr,
                "berth: unknown command: berth %s\n\nRun 'berth --help' for more information\n",
                command_name.c_str());
            return 1;
        }
        current_path = "berth " + command_name;
        FlagSet::set_invoked_path(current_path);
        client::TlsFlags tls_flags;
        if (global.changed("tls")) tls_flags.tls = tls;
        if (global.changed("tlsverify")) tls_flags.tlsverify = tlsverify;
        if (global.changed("tlscacert")) tls_flags.tlscacert = tlscacert;
        if (global.changed("tlscert")) tls_flags.tlscert = tlscert;
        if (global.changed("tlskey")) tls_flags.tlskey = tlskey;
        Cli cli(host, std::move(tls_flags));
        cli.set_config_flag(config);
        int status = cmd->run(cli, cmd_args);
        std::fflush(stdout);
        return status;
    } catch (const StatusError& e) {
        std::fflush(stdout);
        if (*e.what() != '\0') std::fprintf(stderr, "%s\n", e.what());
        return e.status();
    } catch (const UsageError& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "%s\n", e.what());
        return 125;
    } catch (const ArgsError& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "berth: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "%s\n", describe_error(e).c_str());
        return 1;
    }
}

}  // namespace berth::cli
