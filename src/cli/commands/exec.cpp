// `berth exec`: create the exec, then start it hijacked (or detached) and exit with its code.
#include <unistd.h>

#include <cstdlib>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/container/attach_flow.hpp"
#include "cli/container/container_opts.hpp"
#include "cli/stream/stream_pump.hpp"
#include "cli/stream/terminal.hpp"
#include "client/errors.hpp"

namespace berth::cli {

int cmd_exec(Cli& cli, const Args& args) {
    bool detach = false, interactive = false, tty = false, privileged = false;
    std::string user, workdir, detach_keys;
    std::vector<std::string> env, env_file;
    FlagSet flags("berth exec", "[OPTIONS] CONTAINER COMMAND [ARG...]",
                  "Execute a command in a running container");
    flags.set_interspersed(false);
    flags.boolean(&detach, "detach", 'd', "Detached mode: run command in the background");
    flags.string(&detach_keys, "detach-keys", 0,
                 "Override the key sequence for detaching a container");
    flags.strings(&env, "env", 'e', "Set environment variables");
    flags.strings(&env_file, "env-file", 0, "Read in a file of environment variables");
    flags.boolean(&interactive, "interactive", 'i', "Keep STDIN open even if not attached");
    flags.boolean(&privileged, "privileged", 0, "Give extended privileges to the command");
    flags.boolean(&tty, "tty", 't', "Allocate a pseudo-TTY");
    flags.string(&user, "user", 'u', "Username or UID (format: \"<name|uid>[:<group|gid>]\")");
    flags.string(&workdir, "workdir", 'w', "Working directory inside the container");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 2);
    const std::string container = (*pos)[0];

    auto lookup = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    std::vector<std::string> environment;
    for (const auto& f : env_file) {
        auto lines = parse_env_file(f, read_file_or_stdin(f), lookup);
        environment.insert(environment.end(), lines.begin(), lines.end());
    }
    for (const auto& e : env) environment.push_back(resolve_env(e, lookup));
    if (interactive && tty && !detach && !is_terminal(STDIN_FILENO))
        throw StatusError(1, "the input device is not a TTY");

    Json config = Json::object();
    config["User"] = user;
    config["Privileged"] = privileged;
    config["Tty"] = tty;
    config["AttachStdin"] = interactive && !detach;
    config["AttachStdout"] = !detach;
    config["AttachStderr"] = !detach;
    config["DetachKeys"] = detach_keys;
    config["Env"] = environment;
    config["WorkingDir"] = workdir;
    config["Cmd"] = std::vector<std::string>(pos->begin() + 1, pos->end());
    Json created = cli.api().post_json(container_path(container, "/exec"), Query(), config);
    std::string exec_id = created.value("Id", "");
    std::string prefix = "/exec/" + client::url_escape(exec_id);

    Json start = Json::object();
    start["Detach"] = detach;
    start["Tty"] = tty;
    if (detach) {
        cli.api().call("POST", prefix + "/start", Query(), start);
        return 0;
    }
    if (tty) {
        auto size = window_size(STDOUT_FILENO);
        if (size && size->rows > 0) start["ConsoleSize"] = Json::array({size->rows, size->cols});
    }
    client::ResponseHead head;
    std::unique_ptr<client::Connection> conn;
    try {
        conn = cli.api().hijack(prefix + "/start", Query(), start, head);
    } catch (const client::DaemonError& e) {
        // The process could not be started (berthd answers before the upgrade): docker's
        // exit codes, 127 for a missing executable and 126 for one that cannot run.
        int status = start_error_status(e.what());
        throw StatusError(status == 125 ? 1 : status, describe_error(e));
    }
    PumpOptions pump;
    pump.tty = tty;
    pump.send_stdin = interactive;
    std::unique_ptr<RawTerminal> raw;
    if (tty && interactive) {
        raw = std::make_unique<RawTerminal>(STDIN_FILENO);
        pump.detach_keys = parse_detach_keys(detach_keys.empty() ? "ctrl-p,ctrl-q" : detach_keys);
    }
    if (tty) follow_terminal_size(cli.api(), prefix, pump);
    PumpResult result = pump_stream(*conn, pump);
    if (raw) raw->restore();
    if (result.detached) return 0;
    Json inspect = cli.api().get_json(prefix + "/json");
    int code = inspect.value("ExitCode", 0);
    if (inspect.contains("ExitCode") && inspect["ExitCode"].is_null()) code = 0;
    if (code != 0) throw StatusError(code, "");
    return 0;
}

}  // namespace berth::cli
