// `berth run` and `berth create`: the docker flow — create (pulling a missing image), then for
// run: attach (hijacked), register the wait, start, stream until the end, exit with its code.
#include <unistd.h>

#include <cstdlib>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/image_pull.hpp"
#include "cli/container/attach_flow.hpp"
#include "cli/container/run_options.hpp"
#include "cli/registry/reference.hpp"
#include "cli/stream/stream_pump.hpp"
#include "cli/stream/terminal.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

CreateRequest make_request(const RunOptions& o, const std::vector<std::string>& args) {
    auto lookup = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
    CreateRequest req = build_create_request(o, args, lookup, read_file_or_stdin);
    // As docker: the terminal's size goes with the create, so the container's pty has it
    // from the first instruction (a resize after the start comes too late for `stty size`).
    if (o.tty) {
        if (auto size = window_size(STDOUT_FILENO); size && size->rows > 0 && size->cols > 0)
            req.body["HostConfig"]["ConsoleSize"] = Json::array({size->rows, size->cols});
    }
    return req;
}

bool is_missing_image(const client::DaemonError& e) {
    return e.status() == 404 && e.what() != nullptr &&
           std::string(e.what()).find("No such image") != std::string::npos;
}

// docker's validatePullOpt: "" passes too (and then behaves as never).
void check_pull_option(const std::string& command, const std::string& pull) {
    if (pull == "always" || pull == "missing" || pull == "never" || pull.empty()) return;
    throw StatusError(
        125, "berth: invalid pull option: '" + pull +
                 "': must be one of \"always\", \"missing\" or \"never\"\n\nRun 'berth " + command +
                 " --help' for more information");
}

// As docker's pullImage for run/create: progress on stderr (stdout is for the container's id
// or output), nothing with -q.
void pull_for_create(Cli& cli, const ImageReference& ref, const RunOptions& o) {
    pull_image(cli, ref, PullOptions{false, o.platform}, o.quiet ? nullptr : stderr);
}

// POST /containers/create, pulling first (--pull always) or on a missing image (missing, the
// default), as docker's createContainer.
std::string create_container(Cli& cli, const CreateRequest& req, const RunOptions& o) {
    Query q;
    q.add_if(!req.name.empty(), "name", req.name);
    q.add_if(!req.platform.empty(), "platform", req.platform);
    // An image given by id is no reference: there is nothing to pull.
    std::optional<ImageReference> ref;
    try {
        ref = tag_name_only(parse_normalized_named(req.image));
    } catch (const Error&) {
    }
    if (o.pull == "always" && ref) pull_for_create(cli, *ref, o);
    Json created;
    try {
        created = cli.api().post_json("/containers/create", q, req.body);
    } catch (const client::DaemonError& e) {
        if (!is_missing_image(e) || !ref || o.pull != "missing") throw;
        std::fflush(stdout);
        if (!o.quiet) cli.errln("Unable to find image '" + ref->familiar_str() + "' locally");
        pull_for_create(cli, *ref, o);
        created = cli.api().post_json("/containers/create", q, req.body);
    }
    for (const auto& w : created.value("Warnings", Json::array()))
        if (w.is_string()) cli.errln("WARNING: " + w.get<std::string>());
    std::string id = created.value("Id", "");
    if (!o.cidfile.empty()) {
        if (FILE* f = std::fopen(o.cidfile.c_str(), "wx")) {
            std::fputs(id.c_str(), f);
            std::fclose(f);
        } else {
            throw Error(
                Errc::conflict,
                "container ID file found, make sure the other container isn't running or delete " +
                    o.cidfile);
        }
    }
    return id;
}

// Docker reports run/create failures as "docker: <error>\n\nRun 'docker run --help'...".
[[noreturn]] void fail_run(const std::string& command, const std::exception& e, int status) {
    throw StatusError(status, "berth: " + describe_error(e) + "\n\nRun 'berth " + command +
                                  " --help' for more information");
}

int run_attached(Cli& cli, const RunOptions& o, const CreateRequest& req, const std::string& id) {
    const Json& config = req.body;
    AttachStreams streams{config.value("AttachStdin", false), config.value("AttachStdout", false),
                          config.value("AttachStderr", false)};
    bool tty = o.tty;
    std::string detach_keys = o.detach_keys.empty() ? "ctrl-p,ctrl-q" : o.detach_keys;
    std::string detach_bytes = parse_detach_keys(detach_keys);

    // Signals are blocked before any thread starts, so only the proxy thread receives them.
    if (o.sig_proxy && !tty) start_signal_proxy(cli.api(), id);

    std::unique_ptr<client::Connection> conn;
    if (streams.in || streams.out || streams.err)
        conn = hijack_attach(cli.api(), id, streams, o.detach_keys);
    ExitWaiter waiter(cli.api(), id, o.rm ? "removed" : "next-exit");

    try {
        cli.api().call("POST", container_path(id, "/start"));
    } catch (const std::exception& e) {
        if (o.rm) {
            try {
                cli.api().call("DELETE", container_path(id), Query().add("force", "1"));
            } catch (const std::exception&) {
            }
        }
        fail_run("run", e, start_error_status(e.what()));
    }

    if (conn) {
        std::unique_ptr<RawTerminal> raw;
        PumpOptions pump;
        pump.tty = tty;
        pump.send_stdin = streams.in;
        if (tty && streams.in) {
            raw = std::make_unique<RawTerminal>(STDIN_FILENO);
            pump.detach_keys = detach_bytes;
        }
        if (tty) follow_terminal_size(cli.api(), container_path(id), pump);
        PumpResult result = pump_stream(*conn, pump);
        if (raw) raw->restore();
        if (result.detached) return 0;
    }
    return waiter.status();
}

}  // namespace

int cmd_run(Cli& cli, const Args& args) {
    RunOptions o;
    FlagSet flags("berth run", "[OPTIONS] IMAGE [COMMAND] [ARG...]",
                  "Create and run a new container from an image");
    register_run_flags(flags, o, true);
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    check_pull_option("run", o.pull);
    record_changed(flags, o);
    CreateRequest req;
    try {
        req = make_request(o, *pos);
        if (o.interactive && o.tty && !is_terminal(STDIN_FILENO))
            throw Error(Errc::invalid_argument, "the input device is not a TTY");
    } catch (const UsageError& e) {
        throw flags.usage_error(e.what());  // a bad flag value: with the usage, as docker
    } catch (const std::exception& e) {
        fail_run("run", e, 125);
    }
    std::string id;
    try {
        id = create_container(cli, req, o);
    } catch (const std::exception& e) {
        fail_run("run", e, 125);
    }
    if (o.detach) {
        try {
            cli.api().call("POST", container_path(id, "/start"));
        } catch (const std::exception& e) {
            fail_run("run", e, start_error_status(e.what()));
        }
        cli.outln(id);
        return 0;
    }
    try {
        return run_attached(cli, o, req, id);
    } catch (const StatusError&) {
        throw;
    } catch (const std::exception& e) {
        fail_run("run", e, 125);
    }
}

int cmd_create(Cli& cli, const Args& args) {
    RunOptions o;
    FlagSet flags("berth create", "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container");
    register_run_flags(flags, o, false);
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    check_pull_option("create", o.pull);
    record_changed(flags, o);
    CreateRequest req;
    try {
        req = make_request(o, *pos);
    } catch (const UsageError& e) {
        throw flags.usage_error(e.what());
    }
    // (docker's create reports a failure plainly, exit 1: not run's "docker: ..." with 125)
    cli.outln(create_container(cli, req, o));
    return 0;
}

}  // namespace berth::cli
