// Image commands: images/image ls, rmi, tag, history, image prune.
#include <ctime>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/display.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/rows.hpp"
#include "cli/format/units.hpp"
#include "cli/template/go_print.hpp"

namespace berth::cli {

int cmd_images(Cli& cli, const Args& args) {
    bool all = false, quiet = false, digests = false, no_trunc = false, tree = false;
    std::string format;
    std::vector<std::string> filters;
    FlagSet flags("berth images", "[OPTIONS] [REPOSITORY[:TAG]]", "List images");
    flags.boolean(&all, "all", 'a', "Show all images (default hides intermediate images)");
    flags.boolean(&digests, "digests", 0, "Show digests");
    flags.strings(&filters, "filter", 'f', "Filter output based on conditions provided", "filter");
    flags.string(&format, "format", 0, "Format output using a custom template");
    flags.boolean(&no_trunc, "no-trunc", 0, "Don't truncate output");
    flags.boolean(&quiet, "quiet", 'q', "Only show image IDs");
    flags.boolean(&tree, "tree", 0, "List multi-platform images as a tree (EXPERIMENTAL)");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_max_args(*pos, 1);
    client::Filters f;
    for (const auto& v : filters) f.add_arg(v);
    if (!pos->empty()) f.add("reference", (*pos)[0]);
    Query q;
    q.flag("all", all);
    q.add_if(!f.empty(), "filters", f.to_json());
    Json list = cli.api().get_json("/images/json", q);
    if (format.empty() || format == "table")
        format = quiet ? "{{.ID}}" : digests ? kImageTableDigestFormat : kImageTableFormat;
    else if (quiet)
        format = "{{.ID}}";
    std::vector<Json> rows;
    for (const auto& img : list)
        for (auto& row : image_rows(img, !no_trunc, digests)) rows.push_back(std::move(row));
    FormatOptions options;
    options.format = format;
    options.header = image_header();
    options.struct_type = "*formatter.imageContext";
    cli.out(render_rows(options, rows));
    return 0;
}

int cmd_rmi(Cli& cli, const Args& args) {
    bool force = false, no_prune = false;
    FlagSet flags("berth rmi", "[OPTIONS] IMAGE [IMAGE...]", "Remove one or more images");
    flags.boolean(&force, "force", 'f', "Force removal of the image");
    flags.boolean(&no_prune, "no-prune", 0, "Do not delete untagged parents");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    Query q;
    q.flag("force", force);
    q.flag("noprune", no_prune);
    int status = for_each_item(cli, *pos, [&](const std::string& name) {
        auto body = Json::parse(cli.api().call("DELETE", image_path(name), q).body, nullptr, false);
        if (!body.is_array()) return;
        for (const auto& item : body) {
            if (item.contains("Untagged"))
                cli.outln("Untagged: " + item["Untagged"].get<std::string>());
            if (item.contains("Deleted"))
                cli.outln("Deleted: " + item["Deleted"].get<std::string>());
        }
    });
    if (status != 0) throw StatusError(status, "");
    return 0;
}

int cmd_tag(Cli& cli, const Args& args) {
    FlagSet flags("berth tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
                  "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 2);
    auto [repo, tag] = split_repo_tag((*pos)[1]);
    cli.api().call("POST", image_path((*pos)[0], "/tag"),
                   Query().add("repo", repo).add_if(!tag.empty(), "tag", tag));
    return 0;
}

namespace {

// Go's time.Unix(s, 0).Format(time.RFC3339): local time, "Z" or "+hh:mm".
std::string rfc3339_local(int64_t secs) {
    time_t t = static_cast<time_t>(secs);
    tm local{};
    localtime_r(&t, &local);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
    long off = local.tm_gmtoff;
    if (off == 0) return std::string(date) + "Z";
    char zone[8];
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::labs(off) / 3600,
                  (std::labs(off) % 3600) / 60);
    return std::string(date) + zone;
}

}  // namespace

int cmd_history(Cli& cli, const Args& args) {
    bool human = true, quiet = false, no_trunc = false;
    std::string format;
    FlagSet flags("berth history", "[OPTIONS] IMAGE", "Show the history of an image");
    flags.string(&format, "format", 0, "Format output using a custom template");
    flags.boolean(&human, "human", 'H',
                  "Print sizes and dates in human readable format (default true)");
    flags.boolean(&no_trunc, "no-trunc", 0, "Don't truncate output");
    flags.boolean(&quiet, "quiet", 'q', "Only show image IDs");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    Json history = cli.api().get_json(image_path((*pos)[0], "/history"));
    std::vector<Json> rows;
    for (const auto& h : history) {
        Json row = Json::object();
        std::string id = h.value("Id", "");
        row["Comment"] = h.value("Comment", "");
        int64_t created = h.value("Created", int64_t{0});
        // docker history: CreatedAt is RFC 3339 in local time; CreatedSince is "N days ago",
        // or CreatedAt again with -H=false.
        row["CreatedAt"] = rfc3339_local(created);
        std::string by = h.value("CreatedBy", "");
        for (char& c : by)
            if (c == '\t' || c == '\n') c = ' ';
        row["CreatedBy"] = no_trunc ? by : ellipsis(by, 45);
        row["CreatedSince"] = human ? time_ago(created) : rfc3339_local(created);
        row["ID"] = id == "<missing>" ? id : (no_trunc ? id : truncate_id(id));
        int64_t size = h.value("Size", int64_t{0});
        row["Size"] = human ? human_size(static_cast<double>(size)) : std::to_string(size);
        rows.push_back(row);
    }
    if (format.empty() || format == "table")
        format = quiet ? "{{.ID}}"
                 : human
                     ? "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
                     : "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    Json header{{"ID", "IMAGE"},
                {"CreatedSince", "CREATED"},
                {"CreatedAt", "CREATED AT"},
                {"CreatedBy", "CREATED BY"},
                {"Size", "SIZE"},
                {"Comment", "COMMENT"}};
    print_formatted(cli, format, header, rows);
    return 0;
}

int cmd_image_prune(Cli& cli, const Args& args) {
    bool all = false, force = false;
    std::vector<std::string> filters;
    FlagSet flags("berth image prune", "[OPTIONS]", "Remove unused images");
    flags.boolean(&all, "all", 'a', "Remove all unused images, not just dangling ones");
    flags.strings(&filters, "filter", 0, "Provide filter values (e.g. \"until=<timestamp>\")",
                  "filter");
    flags.boolean(&force, "force", 'f', "Do not prompt for confirmation");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    if (!force) {
        if (!confirm(cli, all ? "WARNING! This will remove all images without at least one container "
                                "associated to them.\n"
                              : "WARNING! This will remove all dangling images.\n"))
            return 0;
    }
    client::Filters f;
    for (const auto& v : filters) f.add_arg(v);
    f.add("dangling", all ? "false" : "true");
    Json result = cli.api().post_json("/images/prune", Query().add("filters", f.to_json()));
    const Json deleted = result.value("ImagesDeleted", Json::array());
    if (deleted.is_array() && !deleted.empty()) {
        cli.outln("Deleted Images:");
        for (const auto& item : deleted) {
            if (item.contains("Untagged"))
                cli.outln("untagged: " + item["Untagged"].get<std::string>());
            if (item.contains("Deleted"))
                cli.outln("deleted: " + item["Deleted"].get<std::string>());
        }
        cli.outln("");
    }
    cli.outln(reclaimed_text(result));
    return 0;
}

}  // namespace berth::cli
