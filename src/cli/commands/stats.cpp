// `berth stats`: one-shot (--no-stream) or a table redrawn about once a second.
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/stats_row.hpp"
#include "client/errors.hpp"

namespace berth::cli {

int cmd_stats(Cli& cli, const Args& args) {
    bool all = false, no_stream = false, no_trunc = false;
    std::string format;
    FlagSet flags("berth stats", "[OPTIONS] [CONTAINER...]",
                  "Display a live stream of container(s) resource usage statistics");
    flags.boolean(&all, "all", 'a', "Show all containers (default shows just running)");
    flags.string(&format, "format", 0, "Format output using a custom template");
    flags.boolean(&no_stream, "no-stream", 0,
                  "Disable streaming stats and only pull the first result");
    flags.boolean(&no_trunc, "no-trunc", 0, "Do not truncate output");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    if (format.empty() || format == "table") format = kStatsTableFormat;
    bool explicit_names = !pos->empty();
    bool live = !no_stream;
    for (;;) {
        std::vector<std::pair<std::string, std::string>> targets;  // id/name as given, display name
        if (explicit_names) {
            for (const auto& n : *pos) targets.emplace_back(n, n);
        } else {
            Json list = cli.api().get_json("/containers/json", Query().flag("all", all));
            for (const auto& c : list) {
                std::string name =
                    c.value("Names", Json::array()).empty() ? "" : c["Names"][0].get<std::string>();
                if (!name.empty() && name[0] == '/') name.erase(0, 1);
                targets.emplace_back(c.value("Id", ""), name);
            }
        }
        std::vector<Json> rows;
        std::string errors;
        for (const auto& [id, name] : targets) {
            try {
                Json s =
                    cli.api().get_json(container_path(id, "/stats"), Query().add("stream", "0"));
                std::string full_id = s.value("id", id);
                std::string display = s.value("name", name);
                if (!display.empty() && display[0] == '/') display.erase(0, 1);
                Json row = stats_row(s, full_id, display);
                if (no_trunc) row["ID"] = full_id;
                rows.push_back(row);
            } catch (const client::DaemonError& e) {
                if (explicit_names) errors += describe_error(e) + "\n";
            }
        }
        FormatOptions options;
        options.format = format;
        options.header = stats_header();
        std::string text = render_rows(options, rows);
        if (live && is_terminal(STDOUT_FILENO)) cli.out("\033[2J\033[H");
        cli.out(text);
        std::fflush(stdout);
        if (!errors.empty()) {
            errors.pop_back();
            throw StatusError(1, errors);
        }
        if (!live) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

}  // namespace berth::cli
