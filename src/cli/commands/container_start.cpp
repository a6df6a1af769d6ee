// `berth start` (with -a/-i the attached flow of run) and `berth attach`.
#include <unistd.h>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/container/attach_flow.hpp"
#include "cli/stream/stream_pump.hpp"
#include "cli/stream/terminal.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

struct SessionOptions {
    bool stdin_ = false;
    bool sig_proxy = true;
    std::string detach_keys;
    bool start = false;  // start the container once attached (start -a)
};

int attached_session(Cli& cli, const std::string& name, const SessionOptions& s) {
    Json info = cli.api().get_json(container_path(name, "/json"));
    std::string id = info.value("Id", name);
    const Json config = info.value("Config", Json::object());
    bool tty = config.value("Tty", false);
    bool send_stdin = s.stdin_ && config.value("OpenStdin", false);
    if (!s.start) {
        const Json state = info.value("State", Json::object());
        if (!state.value("Running", false))
            throw StatusError(1, "You cannot attach to a stopped container, start it first");
        if (state.value("Paused", false))
            throw StatusError(1, "You cannot attach to a paused container, unpause it first");
        if (state.value("Restarting", false))
            throw StatusError(
                1, "You cannot attach to a restarting container, wait until it is running");
    }
    if (send_stdin && tty && !is_terminal(STDIN_FILENO))
        throw StatusError(1, "the input device is not a TTY");

    if (s.sig_proxy && !tty) start_signal_proxy(cli.api(), id);
    auto conn = hijack_attach(cli.api(), id, AttachStreams{send_stdin, true, true}, s.detach_keys);
    std::unique_ptr<ExitWaiter> waiter;
    if (s.start) {
        waiter = std::make_unique<ExitWaiter>(cli.api(), id, "next-exit");
        cli.api().call("POST", container_path(id, "/start"));
    }
    PumpOptions pump;
    pump.tty = tty;
    pump.send_stdin = send_stdin;
    std::unique_ptr<RawTerminal> raw;
    if (tty && send_stdin) {
        raw = std::make_unique<RawTerminal>(STDIN_FILENO);
        pump.detach_keys =
            parse_detach_keys(s.detach_keys.empty() ? "ctrl-p,ctrl-q" : s.detach_keys);
    }
    if (tty) follow_terminal_size(cli.api(), container_path(id), pump);
    PumpResult result = pump_stream(*conn, pump);
    if (raw) raw->restore();
    if (result.detached) return 0;
    if (waiter) return waiter->status();
    Json wait =
        cli.api().post_json(container_path(id, "/wait"), Query().add("condition", "not-running"));
    return wait.value("StatusCode", 0);
}

}  // namespace

int cmd_start(Cli& cli, const Args& args) {
    bool attach = false, interactive = false;
    std::string detach_keys, checkpoint;
    FlagSet flags("berth start", "[OPTIONS] CONTAINER [CONTAINER...]",
                  "Start one or more stopped containers");
    flags.boolean(&attach, "attach", 'a', "Attach STDOUT/STDERR and forward signals");
    flags.string(&detach_keys, "detach-keys", 0,
                 "Override the key sequence for detaching a container");
    flags.boolean(&interactive, "interactive", 'i', "Attach container's STDIN");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    if (attach || interactive) {
        if (pos->size() > 1)
            throw StatusError(1, "you cannot start and attach multiple containers at once");
        SessionOptions s;
        s.stdin_ = interactive;
        s.detach_keys = detach_keys;
        s.start = true;
        return attached_session(cli, (*pos)[0], s);
    }
    std::vector<std::string> failed;
    for_each_item(cli, *pos, [&](const std::string& name) {
        try {
            cli.api().call("POST", container_path(name, "/start"));
        } catch (const client::ConnectError&) {
            throw;
        } catch (const std::exception&) {
            failed.push_back(name);
            throw;
        }
        cli.outln(name);
    });
    if (!failed.empty()) {
        // docker's summary after the per-container errors
        std::string names;
        for (const auto& n : failed) names += (names.empty() ? "" : ", ") + n;
        throw StatusError(1, "Error: failed to start containers: " + names);
    }
    return 0;
}

int cmd_attach(Cli& cli, const Args& args) {
    bool no_stdin = false, sig_proxy = true;
    std::string detach_keys;
    FlagSet flags("berth attach", "[OPTIONS] CONTAINER",
                  "Attach local standard input, output, and error streams to a running container");
    flags.string(&detach_keys, "detach-keys", 0,
                 "Override the key sequence for detaching a container");
    flags.boolean(&no_stdin, "no-stdin", 0, "Do not attach STDIN");
    flags.boolean(&sig_proxy, "sig-proxy", 0,
                  "Proxy all received signals to the process (default true)");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    SessionOptions s;
    s.stdin_ = !no_stdin;
    s.sig_proxy = sig_proxy;
    s.detach_keys = detach_keys;
    return attached_session(cli, (*pos)[0], s);
}

}  // namespace berth::cli
