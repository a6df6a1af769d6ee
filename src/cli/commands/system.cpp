// `system df` and `system prune`.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/units.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

std::string with_percent(int64_t reclaimable, int64_t total) {
    std::string text = human_size(static_cast<double>(reclaimable), 4);
    if (total > 0) text += " (" + std::to_string(reclaimable * 100 / total) + "%)";
    return text;
}

}  // namespace

int cmd_system_df(Cli& cli, const Args& args) {
    bool verbose = false;
    std::string format;
    FlagSet flags("berth system df", "[OPTIONS]", "Show berth disk usage");
    flags.string(&format, "format", 0, "Format output using a custom template");
    flags.boolean(&verbose, "verbose", 'v', "Show detailed information on space usage");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    Json df = cli.api().get_json("/system/df");
    std::vector<Json> rows;
    {
        const Json images = df.value("Images", Json::array());
        int64_t total = df.value("LayersSize", int64_t{0}), used = 0, active = 0;
        for (const auto& i : images.is_array() ? images : Json::array()) {
            if (i.value("Containers", int64_t{0}) > 0) {
                ++active;
                int64_t shared = i.value("SharedSize", int64_t{-1}),
                        size = i.value("Size", int64_t{0});
                if (shared >= 0) used += size - shared;
            }
        }
        rows.push_back(Json{{"Type", "Images"},
                            {"TotalCount", std::to_string(images.size())},
                            {"Active", std::to_string(active)},
                            {"Size", human_size(static_cast<double>(total), 4)},
                            {"Reclaimable", with_percent(total - used, total)}});
    }
    {
        const Json containers = df.value("Containers", Json::array());
        int64_t total = 0, reclaimable = 0, active = 0;
        for (const auto& c : containers.is_array() ? containers : Json::array()) {
            int64_t size = c.value("SizeRw", int64_t{0});
            total += size;
            std::string state = c.value("State", "");
            if (state == "running" || state == "paused" || state == "restarting")
                ++active;
            else
                reclaimable += size;
        }
        rows.push_back(Json{{"Type", "Containers"},
                            {"TotalCount", std::to_string(containers.size())},
                            {"Active", std::to_string(active)},
                            {"Size", human_size(static_cast<double>(total), 4)},
                            {"Reclaimable", with_percent(reclaimable, total)}});
    }
    {
        const Json volumes = df.value("Volumes", Json::array());
        int64_t total = 0, reclaimable = 0, active = 0;
        for (const auto& v : volumes.is_array() ? volumes : Json::array()) {
            const Json usage = v.value("UsageData", Json::object());
            int64_t size = usage.value("Size", int64_t{0});
            if (size > 0) total += size;
            if (usage.value("RefCount", int64_t{0}) > 0)
                ++active;
            else if (size > 0)
                reclaimable += size;
        }
        rows.push_back(Json{{"Type", "Local Volumes"},
                            {"TotalCount", std::to_string(volumes.size())},
                            {"Active", std::to_string(active)},
                            {"Size", human_size(static_cast<double>(total), 4)},
                            {"Reclaimable", with_percent(reclaimable, total)}});
    }
    {
        const Json cache = df.value("BuildCache", Json::array());
        int64_t total = 0, reclaimable = 0, active = 0;
        for (const auto& b : cache.is_array() ? cache : Json::array()) {
            int64_t size = b.value("Size", int64_t{0});
            if (!b.value("Shared", false)) total += size;
            if (b.value("InUse", false))
                ++active;
            else if (!b.value("Shared", false))
                reclaimable += size;
        }
        rows.push_back(Json{{"Type", "Build Cache"},
                            {"TotalCount", std::to_string(cache.size())},
                            {"Active", std::to_string(active)},
                            {"Size", human_size(static_cast<double>(total), 4)},
                            {"Reclaimable", human_size(static_cast<double>(reclaimable), 4)}});
    }
    if (format.empty() || format == "table")
        format = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
    Json header{{"Type", "TYPE"},
                {"TotalCount", "TOTAL"},
                {"Active", "ACTIVE"},
                {"Size", "SIZE"},
                {"Reclaimable", "RECLAIMABLE"}};
    print_formatted(cli, format, header, rows);
    return 0;
}

int cmd_system_prune(Cli& cli, const Args& args) {
    bool all = false, force = false, volumes = false;
    std::vector<std::string> filters;
    FlagSet flags("berth system prune", "[OPTIONS]", "Remove unused data");
    flags.boolean(&all, "all", 'a', "Remove all unused images not just dangling ones");
    flags.strings(&filters, "filter", 0, "Provide filter values (e.g. \"label=<key>=<value>\")",
                  "filter");
    flags.boolean(&force, "force", 'f', "Do not prompt for confirmation");
    flags.boolean(&volumes, "volumes", 0, "Prune anonymous volumes");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    if (!force) {
        std::string warning =
            "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by "
            "at least one container\n";
        if (volumes) warning += "  - all anonymous volumes not used by at least one container\n";
        warning += all ? "  - all images without at least one container associated to them\n"
                       : "  - all dangling images\n";
        warning += "  - unused build cache\n\n";
        if (!confirm(cli, warning)) return 0;
    }
    client::Filters f;
    for (const auto& v : filters) f.add_arg(v);
    Query q;
    q.add_if(!f.empty(), "filters", f.to_json());
    double reclaimed = 0;
    auto prune = [&](const std::string& path, const Query& query, const char* list_key,
                     const char* title) {
        Json result;
        try {
            result = cli.api().post_json(path, query);
        } catch (const client::DaemonError& e) {
            if (e.status() == 404) return;  // an endpoint this daemon does not have yet
            throw;
        }
        reclaimed += result.value("SpaceReclaimed", 0.0);
        const Json list = result.value(list_key, Json::array());
        if (!list.is_array() || list.empty()) return;
        cli.outln(title);
        for (const auto& item : list) {
            if (item.is_string())
                cli.outln(item.get<std::string>());
            else {
                if (item.contains("Untagged"))
                    cli.outln("untagged: " + item["Untagged"].get<std::string>());
                if (item.contains("Deleted"))
                    cli.outln("deleted: " + item["Deleted"].get<std::string>());
            }
        }
        cli.outln("");
    };
    prune("/containers/prune", q, "ContainersDeleted", "Deleted Containers:");
    prune("/networks/prune", q, "NetworksDeleted", "Deleted Networks:");
    if (volumes) prune("/volumes/prune", q, "VolumesDeleted", "Deleted Volumes:");
    client::Filters image_filters = f;
    image_filters.add("dangling", all ? "false" : "true");
    prune("/images/prune", Query().add("filters", image_filters.to_json()), "ImagesDeleted",
          "Deleted Images:");
    prune("/build/prune", q, "CachesDeleted", "Deleted build cache objects:");
    cli.outln("Total reclaimed space: " + human_size(reclaimed));
    return 0;
}

}  // namespace berth::cli
