// The command table: top-level commands and the management groups Docker has.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "cli/commands/commands.hpp"

namespace berth::cli {

const std::vector<Command>& top_level_commands() {
    static const std::vector<Command> commands = {
        {"attach", cmd_attach,
         "Attach local standard input, output, and error streams to a running container"},
        {"commit", cmd_commit, "Create a new image from a container's changes"},
        {"cp", cmd_cp, "Copy files/folders between a container and the local filesystem"},
        {"create", cmd_create, "Create a new container"},
        {"diff", cmd_diff, "Inspect changes to files or directories on a container's filesystem"},
        {"events", cmd_events, "Get real time events from the server"},
        {"exec", cmd_exec, "Execute a command in a running container"},
        {"export", cmd_export, "Export a container's filesystem as a tar archive"},
        {"history", cmd_history, "Show the history of an image"},
        {"images", cmd_images, "List images"},
        {"import", cmd_import, "Import the contents from a tarball to create a filesystem image"},
        {"info", cmd_info, "Display system-wide information"},
        {"inspect", cmd_inspect, "Return low-level information on berth objects"},
        {"kill", cmd_kill, "Kill one or more running containers"},
        {"load", cmd_load, "Load an image from a tar archive or STDIN"},
        {"login", cmd_login, "Authenticate to a registry"},
        {"logout", cmd_logout, "Log out from a registry"},
        {"logs", cmd_logs, "Fetch the logs of a container"},
        {"pause", cmd_pause, "Pause all processes within one or more containers"},
        {"ps", cmd_ps, "List containers"},
        {"pull", cmd_pull, "Download an image from a registry"},
        {"push", cmd_push, "Upload an image to a registry"},
        {"rename", cmd_rename, "Rename a container"},
        {"restart", cmd_restart, "Restart one or more containers"},
        {"rm", cmd_rm, "Remove one or more containers"},
        {"rmi", cmd_rmi, "Remove one or more images"},
        {"run", cmd_run, "Create and run a new container from an image"},
        {"save", cmd_save,
         "Save one or more images to a tar archive (streamed to STDOUT by default)"},
        {"start", cmd_start, "Start one or more stopped containers"},
        {"stats", cmd_stats, "Display a live stream of container(s) resource usage statistics"},
        {"stop", cmd_stop, "Stop one or more running containers"},
        {"tag", cmd_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"},
        {"top", cmd_top, "Display the running processes of a container"},
        {"unpause", cmd_unpause, "Unpause all processes within one or more containers"},
        {"version", cmd_version, "Show the berth version information"},
        {"wait", cmd_wait, "Block until one or more containers stop, then print their exit codes"},
    };
    return commands;
}

namespace {

struct GroupEntry {
    const char* group;
    const char* name;
    CommandFn run;
    const char* description = "";  // when no top-level command shares `run`
};

const GroupEntry kGroups[] = {
    {"container", "attach", cmd_attach},
    {"container", "commit", cmd_commit},
    {"container", "cp", cmd_cp},
    {"container", "create", cmd_create},
    {"container", "diff", cmd_diff},
    {"container", "exec", cmd_exec},
    {"container", "export", cmd_export},
    {"container", "inspect", cmd_container_inspect,
     "Display detailed information on one or more containers"},
    {"container", "kill", cmd_kill},
    {"container", "logs", cmd_logs},
    {"container", "ls", cmd_ps, "List containers"},
    {"container", "list", cmd_ps},
    {"container", "ps", cmd_ps},
    {"container", "pause", cmd_pause},
    {"container", "prune", cmd_container_prune, "Remove all stopped containers"},
    {"container", "rename", cmd_rename},
    {"container", "restart", cmd_restart},
    {"container", "rm", cmd_rm},
    {"container", "remove", cmd_rm},
    {"container", "run", cmd_run},
    {"container", "start", cmd_start},
    {"container", "stats", cmd_stats},
    {"container", "stop", cmd_stop},
    {"container", "top", cmd_top},
    {"container", "unpause", cmd_unpause},
    {"container", "wait", cmd_wait},
    {"image", "history", cmd_history},
    {"image", "import", cmd_import},
    {"image", "inspect", cmd_image_inspect, "Display detailed information on one or more images"},
    {"image", "load", cmd_load},
    {"image", "ls", cmd_images, "List images"},
    {"image", "list", cmd_images},
    {"image", "prune", cmd_image_prune, "Remove unused images"},
    {"image", "pull", cmd_pull},
    {"image", "push", cmd_push},
    {"image", "rm", cmd_rmi, "Remove one or more images"},
    {"image", "remove", cmd_rmi},
    {"image", "save", cmd_save},
    {"image", "tag", cmd_tag},
    {"system", "df", cmd_system_df, "Show berth disk usage"},
    {"system", "events", cmd_events},
    {"system", "info", cmd_info},
    {"system", "prune", cmd_system_prune, "Remove unused data"},
};

}  // namespace

std::optional<std::string> group_help(std::string_view group) {
    static const std::pair<const char*, const char*> kTitles[] = {
        {"container", "Manage containers"}, {"image", "Manage images"}, {"system", "Manage berth"}};
    // Aliases run a command listed under its docker name; docker's help hides them too.
    static const char* const kAliases[] = {"list", "ps", "remove"};
    const char* title = nullptr;
    for (const auto& [g, t] : kTitles)
        if (group == g) title = t;
    if (title == nullptr) return std::nullopt;
    std::string out =
        "Usage:  berth " + std::string(group) + " COMMAND\n\n" + title + "\n\nCommands:\n";
    for (const auto& g : kGroups) {
        if (group != g.group) continue;
        if (std::find_if(std::begin(kAliases), std::end(kAliases), [&](const char* a) {
                return std::strcmp(a, g.name) == 0;
            }) != std::end(kAliases))
            continue;
        std::string description;
        for (const auto& c : top_level_commands())
            if (c.run == g.run) description = c.description;
        if (description.empty()) description = g.description;
        std::string name = g.name;
        out += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') +
               description + "\n";
    }
    out += "\nRun 'berth " + std::string(group) +
           " COMMAND --help' for more information on a command.\n";
    return out;
}

const Command* find_command(std::string_view group, std::string_view name) {
    if (group.empty()) {
        for (const auto& c : top_level_commands())
            if (name == c.name) return &c;
        return nullptr;
    }
    static Command resolved;  // one lookup per process: storage for the returned pointer
    for (const auto& g : kGroups) {
        if (group == g.group && name == g.name) {
            resolved = {g.name, g.run, ""};
            return &resolved;
        }
    }
    return nullptr;
}

}  // namespace berth::cli
