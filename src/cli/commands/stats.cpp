// `berth stats`: one-shot (--no-stream) or a table redrawn about twice a second.
//
// Every round takes one `one-shot` sample per container (answered at once) and keeps it: the
// CPU percentage of the next round is the delta against it, the same figure a streaming stats
// connection gives (each message carries the previous sample as precpu_stats). The daemon's
// non-one-shot answer instead sleeps a second per request, which made a round take N seconds
// for N containers and the "live" table redraw every few seconds. --no-stream takes two
// rounds a second apart, so its CPU column is a real one-second figure, as Docker's.
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/stats_row.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

struct Target {
    std::string key;      // what we ask the daemon for: the name as given, or the id
    std::string display;  // the name shown when the daemon's answer has none
};

std::vector<Target> list_targets(Cli& cli, const std::vector<std::string>& names, bool all) {
    std::vector<Target> targets;
    if (!names.empty()) {
        for (const auto& n : names) targets.push_back({n, n});
        return targets;
    }
    Json list = cli.api().get_json("/containers/json", Query().flag("all", all));
    for (const auto& c : list) {
        std::string name =
            c.value("Names", Json::array()).empty() ? "" : c["Names"][0].get<std::string>();
        if (!name.empty() && name[0] == '/') name.erase(0, 1);
        targets.push_back({c.value("Id", ""), name});
    }
    return targets;
}

}  // namespace

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
    const bool explicit_names = !pos->empty();
    std::map<std::string, Json> previous;  // key -> last sample's cpu_stats
    for (int round = 0;; ++round) {
        std::vector<Json> rows;
        std::string errors;
        std::map<std::string, Json> current;
        for (const auto& [key, name] : list_targets(cli, *pos, all)) {
            Json s;
            try {
                s = cli.api().get_json(container_path(key, "/stats"),
                                       Query().add("stream", "0").add("one-shot", "1"));
            } catch (const client::DaemonError& e) {
                // A container that went away between the list and its sample is skipped.
                if (explicit_names) errors += describe_error(e) + "\n";
                continue;
            }
            Json cpu = s.value("cpu_stats", Json::object());
            auto prev = previous.find(key);
            // No earlier sample: a zero delta (0.00%), not the average since the start.
            s["precpu_stats"] = prev != previous.end() ? prev->second : cpu;
            current[key] = std::move(cpu);
            std::string full_id = s.value("id", key);
            std::string display = s.value("name", name);
            if (!display.empty() && display[0] == '/') display.erase(0, 1);
            Json row = stats_row(s, full_id, display);
            if (no_trunc) row["ID"] = full_id;
            rows.push_back(std::move(row));
        }
        previous = std::move(current);
        if (!errors.empty()) {
            errors.pop_back();
            throw StatusError(1, errors);
        }
        if (no_stream && round == 0) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            continue;
        }
        FormatOptions options;
        options.format = format;
        options.header = stats_header();
        std::string text = render_rows(options, rows);
        if (!no_stream && is_terminal(STDOUT_FILENO)) cli.out("\033[2J\033[H");
        cli.out(text);
        std::fflush(stdout);
        if (no_stream) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

}  // namespace berth::cli
