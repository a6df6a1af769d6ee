// top, diff and commit: small reads and writes on one container.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/tab_writer.hpp"

namespace berth::cli {

int cmd_top(Cli& cli, const Args& args) {
    FlagSet flags("berth top", "CONTAINER [ps OPTIONS]",
                  "Display the running processes of a container");
    flags.set_interspersed(false);
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    std::string ps_args;
    for (size_t i = 1; i < pos->size(); ++i) ps_args += (i > 1 ? " " : "") + (*pos)[i];
    Json top = cli.api().get_json(container_path((*pos)[0], "/top"),
                                  Query().add_if(!ps_args.empty(), "ps_args", ps_args));
    TabWriter w(20, 3);
    auto line = [&](const Json& cells) {
        std::string text;
        for (size_t i = 0; i < cells.size(); ++i)
            text += (i ? "\t" : "") + cells[i].get<std::string>();
        w.write(text + "\n");
    };
    line(top.value("Titles", Json::array()));
    for (const auto& p : top.value("Processes", Json::array())) line(p);
    cli.out(w.flush());
    return 0;
}

int cmd_diff(Cli& cli, const Args& args) {
    FlagSet flags("berth diff", "CONTAINER",
                  "Inspect changes to files or directories on a container's filesystem");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    Json changes = cli.api().get_json(container_path((*pos)[0], "/changes"));
    if (!changes.is_array()) return 0;
    for (const auto& c : changes) {
        int kind = c.value("Kind", 0);
        const char* letter = kind == 1 ? "A" : kind == 2 ? "D" : "C";
        cli.outln(std::string(letter) + " " + c.value("Path", ""));
    }
    return 0;
}

int cmd_commit(Cli& cli, const Args& args) {
    std::string author, message;
    std::vector<std::string> changes;
    bool pause = true;
    FlagSet flags("berth commit", "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
                  "Create a new image from a container's changes");
    flags.string(&author, "author", 'a',
                 "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")");
    flags.strings(&changes, "change", 'c', "Apply Dockerfile instruction to the created image");
    flags.string(&message, "message", 'm', "Commit message");
    flags.boolean(&pause, "pause", 'p', "Pause container during commit (default true)");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_range_args(*pos, 1, 2);
    Query q;
    q.add("container", (*pos)[0]);
    if (pos->size() == 2) {
        auto [repo, tag] = split_repo_tag((*pos)[1]);
        q.add("repo", repo).add_if(!tag.empty(), "tag", tag);
    }
    q.add_if(!message.empty(), "comment", message);
    q.add_if(!author.empty(), "author", author);
    for (const auto& c : changes) q.add("changes", c);
    q.add("pause", pause ? "1" : "0");
    Json result = cli.api().post_json("/commit", q, Json::object());
    cli.outln(result.value("Id", ""));
    return 0;
}

}  // namespace berth::cli
