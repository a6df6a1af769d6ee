// The one-request-per-container commands: stop, restart, kill, rm, wait, pause, unpause,
// rename; each reports failures per container and exits 1 if any failed.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

int finish(int status) {
    if (status != 0) throw StatusError(status, "");
    return 0;
}

int stop_or_restart(Cli& cli, const Args& args, const char* verb, const char* description) {
    int64_t timeout = 0;
    std::string signal;
    FlagSet flags(std::string("berth ") + verb, "[OPTIONS] CONTAINER [CONTAINER...]", description);
    flags.string(&signal, "signal", 's', "Signal to send to the container");
    flags.integer(&timeout, "time", 't', "Seconds to wait before killing the container");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    Query q;
    q.add_if(flags.changed("time"), "t", std::to_string(timeout));
    q.add_if(!signal.empty(), "signal", signal);
    return finish(for_each_item(cli, *pos, [&](const std::string& name) {
        cli.api().call("POST", container_path(name, std::string("/") + verb), q);
        cli.outln(name);
    }));
}

int simple_post(Cli& cli, const Args& args, const char* verb, const char* description) {
    FlagSet flags(std::string("berth ") + verb, "CONTAINER [CONTAINER...]", description);
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    return finish(for_each_item(cli, *pos, [&](const std::string& name) {
        cli.api().call("POST", container_path(name, std::string("/") + verb));
        cli.outln(name);
    }));
}

}  // namespace

int cmd_stop(Cli& cli, const Args& args) {
    return stop_or_restart(cli, args, "stop", "Stop one or more running containers");
}

int cmd_restart(Cli& cli, const Args& args) {
    return stop_or_restart(cli, args, "restart", "Restart one or more containers");
}

int cmd_pause(Cli& cli, const Args& args) {
    return simple_post(cli, args, "pause", "Pause all processes within one or more containers");
}

int cmd_unpause(Cli& cli, const Args& args) {
    return simple_post(cli, args, "unpause", "Unpause all processes within one or more containers");
}

int cmd_kill(Cli& cli, const Args& args) {
    std::string signal;
    FlagSet flags("berth kill", "[OPTIONS] CONTAINER [CONTAINER...]",
                  "Kill one or more running containers");
    flags.string(&signal, "signal", 's', "Signal to send to the container");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    Query q;
    q.add_if(!signal.empty(), "signal", signal);
    return finish(for_each_item(cli, *pos, [&](const std::string& name) {
        cli.api().call("POST", container_path(name, "/kill"), q);
        cli.outln(name);
    }));
}

int cmd_rm(Cli& cli, const Args& args) {
    bool force = false, volumes = false, link = false;
    FlagSet flags("berth rm", "[OPTIONS] CONTAINER [CONTAINER...]",
                  "Remove one or more containers");
    flags.boolean(&force, "force", 'f', "Force the removal of a running container (uses SIGKILL)");
    flags.boolean(&link, "link", 'l', "Remove the specified link");
    flags.boolean(&volumes, "volumes", 'v',
                  "Remove anonymous volumes associated with the container");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    Query q;
    q.flag("v", volumes);
    q.flag("link", link);
    q.flag("force", force);
    return finish(for_each_item(cli, *pos, [&](const std::string& name) {
        try {
            cli.api().call("DELETE", container_path(name), q);
        } catch (const client::DaemonError& e) {
            // `rm -f` of a container that is already gone is not an error (as Docker).
            if (force && e.status() == 404) return;
            throw;
        }
        cli.outln(name);
    }));
}

int cmd_wait(Cli& cli, const Args& args) {
    FlagSet flags("berth wait", "CONTAINER [CONTAINER...]",
                  "Block until one or more containers stop, then print their exit codes");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    return finish(for_each_item(cli, *pos, [&](const std::string& name) {
        Json result = cli.api().post_json(container_path(name, "/wait"));
        if (result.contains("Error") && result["Error"].is_object() &&
            !result["Error"].value("Message", "").empty())
            throw Error(Errc::internal, result["Error"]["Message"].get<std::string>());
        cli.outln(std::to_string(result.value("StatusCode", 0)));
    }));
}

int cmd_rename(Cli& cli, const Args& args) {
    FlagSet flags("berth rename", "CONTAINER NEW_NAME", "Rename a container");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 2);
    std::string new_name = (*pos)[1];
    if (!new_name.empty() && new_name[0] == '/') new_name.erase(0, 1);
    if (new_name.empty()) throw StatusError(1, "Error: neither old nor new names may be empty");
    try {
        cli.api().call("POST", container_path((*pos)[0], "/rename"), Query().add("name", new_name));
    } catch (const client::ConnectError&) {
        throw;
    } catch (const std::exception& e) {
        // Docker prints the daemon's answer, then its own summary line.
        cli.errln(describe_error(e));
        throw StatusError(1, "Error: failed to rename container named " + (*pos)[0]);
    }
    return 0;
}

int cmd_container_prune(Cli& cli, const Args& args) {
    bool force = false;
    std::vector<std::string> filters;
    FlagSet flags("berth container prune", "[OPTIONS]", "Remove all stopped containers");
    flags.strings(&filters, "filter", 0, "Provide filter values (e.g. \"until=<timestamp>\")",
                  "filter");
    flags.boolean(&force, "force", 'f', "Do not prompt for confirmation");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    if (!force) {
        if (!confirm(cli, "WARNING! This will remove all stopped containers.\n")) return 0;
    }
    client::Filters f;
    for (const auto& v : filters) f.add_arg(v);
    Json result = cli.api().post_json("/containers/prune",
                                      Query().add_if(!f.empty(), "filters", f.to_json()));
    const Json deleted = result.value("ContainersDeleted", Json::array());
    if (deleted.is_array() && !deleted.empty()) {
        cli.outln("Deleted Containers:");
        for (const auto& id : deleted) cli.outln(id.get<std::string>());
        cli.outln("");
    }
    cli.outln(reclaimed_text(result));
    return 0;
}

}  // namespace berth::cli
