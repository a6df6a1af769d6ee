// `berth ps`: GET /containers/json rendered as Docker's table, a template, or JSON lines.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/rows.hpp"
#include "cli/template/template.hpp"

namespace berth::cli {

namespace {

// docker ps checks --format before it asks the daemon anything, with its own wording: the
// template is parsed, then run once on an empty row (a misspelt field fails here).
void validate_format(const FormatOptions& options) {
    std::string text = prepare_format(options.format);
    tmpl::Template t = [&] {
        try {
            return tmpl::Template::parse(text);
        } catch (const Error& e) {
            throw Error(Errc::invalid_argument,
                        std::string("failed to parse template: ") + e.what());
        }
    }();
    options.customize_header(t);
    t.fields_of_struct(options.struct_type);
    try {
        t.execute(options.header);
    } catch (const Error& e) {
        throw Error(Errc::invalid_argument, std::string("failed to execute template: ") + e.what());
    }
}

}  // namespace

int cmd_ps(Cli& cli, const Args& args) {
    bool all = false, quiet = false, size = false, latest = false, no_trunc = false;
    int64_t last = -1;
    std::string format;
    std::vector<std::string> filters;
    FlagSet flags("berth ps", "[OPTIONS]", "List containers");
    flags.boolean(&all, "all", 'a', "Show all containers (default shows just running)");
    flags.strings(&filters, "filter", 'f', "Filter output based on conditions provided", "filter");
    flags.string(
        &format, "format", 0,
        "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')");
    flags.integer(&last, "last", 'n',
                  "Show n last created containers (includes all states) (default -1)");
    flags.boolean(&latest, "latest", 'l',
                  "Show the latest created container (includes all states)");
    flags.boolean(&no_trunc, "no-trunc", 0, "Don't truncate output");
    flags.boolean(&quiet, "quiet", 'q', "Only display container IDs");
    flags.boolean(&size, "size", 's', "Display total file sizes");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);

    client::Filters filter_args;
    for (const auto& f : filters) filter_args.add_arg(f);
    if (latest) last = 1;
    if (format.empty() || format == "table") {
        format = quiet ? "{{.ID}}" : kContainerTableFormat;
        if (size && !quiet) format += "\t{{.Size}}";
    } else if (quiet) {
        format = "{{.ID}}";
    }
    FormatOptions options;
    options.format = format;
    options.header = container_header();
    options.struct_type = "*formatter.ContainerContext";
    // The header names a label column by the label's last dotted part, "-" and "_" as spaces.
    options.customize_header = [](tmpl::Template& t) {
        t.set_method("Label", [](const tmpl::Value&, std::vector<tmpl::Value>& a) {
            std::string name = a.size() == 1 && a[0].json.is_string() ? a[0].json.get<std::string>()
                                                                      : std::string();
            name = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
            for (char& c : name)
                if (c == '-' || c == '_') c = ' ';
            return tmpl::Value(name);
        });
    };
    validate_format(options);
    // A template that shows .Size needs the daemon to compute sizes.
    // docker asks for sizes when the template reads .Size, which `{{json .}}` (and --format
    // json) does by marshalling every field.
    std::string prepared = prepare_format(format);
    // (--format json itself does not: docker checks the template text, which is "json")
    bool want_size =
        size || (!quiet && (prepared.find(".Size") != std::string::npos ||
                            (format != "json" && prepared.find("json .}}") != std::string::npos)));

    Query q;
    q.flag("all", all || last > 0);
    q.add_if(last > 0, "limit", std::to_string(last));
    q.flag("size", want_size);
    q.add_if(!filter_args.empty(), "filters", filter_args.to_json());
    Json list = cli.api().get_json("/containers/json", q);

    std::vector<Json> rows;
    std::map<std::string, Json> labels_by_id;
    for (const auto& c : list) {
        Json row = container_row(c, !no_trunc);
        labels_by_id[row["ID"].get<std::string>()] = c.value("Labels", Json::object());
        rows.push_back(std::move(row));
    }
    options.customize = [&labels_by_id](tmpl::Template& t) {
        t.set_method(
            "Label", [&labels_by_id](const tmpl::Value& self, std::vector<tmpl::Value>& a) {
                if (a.size() != 1 || !a[0].json.is_string()) return tmpl::Value(std::string());
                if (!self.json.is_object() || !self.json.contains("ID"))
                    return tmpl::Value(std::string());
                auto it = labels_by_id.find(self.json["ID"].get<std::string>());
                if (it == labels_by_id.end()) return tmpl::Value(std::string());
                return tmpl::Value(it->second.value(a[0].json.get<std::string>(), std::string()));
            });
    };
    cli.out(render_rows(options, rows));
    return 0;
}

}  // namespace berth::cli
