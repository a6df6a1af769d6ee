// `berth inspect` (containers, then images), `container inspect`, `image inspect`: the raw JSON
// as an indented array, or --format per object.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/template/template.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

// docker runs a template on its Go structs, where a field the JSON omits when empty (Go's
// omitempty) is still there with its zero value: `{{.Config.StopSignal}}` prints nothing
// rather than failing with missingkey=error. Such fields get their zero value here.
Json as_typed(Json obj) {
    if (auto c = obj.find("Config"); c != obj.end() && c->is_object()) {
        if (!c->contains("StopSignal")) (*c)["StopSignal"] = "";
    }
    return obj;
}

int inspect(Cli& cli, const Args& args, const std::string& fixed_type, const char* path) {
    std::string format, type = fixed_type;
    bool size = false;
    FlagSet flags(path,
                  fixed_type == "image"       ? "[OPTIONS] IMAGE [IMAGE...]"
                  : fixed_type == "container" ? "[OPTIONS] CONTAINER [CONTAINER...]"
                                              : "[OPTIONS] NAME|ID [NAME|ID...]",
                  "Return low-level information on berth objects");
    flags.string(&format, "format", 'f', "Format output using a custom template");
    flags.boolean(&size, "size", 's', "Display total file sizes if the type is container");
    if (fixed_type.empty())
        flags.string(&type, "type", 0, "Only inspect objects of the given type");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    if (!type.empty() && type != "container" && type != "image")
        throw StatusError(1, "\"" + type + "\" is not a valid value for --type");

    std::vector<Json> found;
    std::vector<std::string> errors;
    for (const auto& name : *pos) {
        // With a type, a missing object is the daemon's own 404 message (docker 27); without
        // one, docker tries each kind and then says "No such object".
        std::string not_found;
        auto try_get = [&](const std::string& p, const Query& q) -> std::optional<Json> {
            try {
                return cli.api().get_json(p, q);
            } catch (const client::DaemonError& e) {
                if (e.status() != 404) throw;
                not_found = describe_error(e);
                return std::nullopt;
            }
        };
        std::optional<Json> obj;
        if (type.empty() || type == "container")
            obj = try_get(container_path(name, "/json"), Query().flag("size", size));
        if (!obj && (type.empty() || type == "image"))
            obj = try_get(image_path(name, "/json"), Query());
        if (obj)
            found.push_back(std::move(*obj));
        else if (type.empty())
            errors.push_back("Error: No such object: " + name);
        else
            errors.push_back(not_found);
    }

    if (format.empty() || format == "json") {
        Json array = Json::array();
        for (auto& f : found) array.push_back(f);
        cli.outln(array.dump(4, ' ', false, Json::error_handler_t::replace));
    } else {
        // docker inspect: a template that does not parse exits 64; it runs with
        // missingkey=error, so a misspelt field is an error rather than "<no value>".
        tmpl::Template t = [&] {
            try {
                return tmpl::Template::parse(format);
            } catch (const Error& e) {
                throw StatusError(64, std::string("template parsing error: ") + e.what());
            }
        }();
        t.missing_key_is_error();
        // Each object on its own (a failing one does not stop the rest); when none printed,
        // docker's inspector still writes one empty line.
        std::vector<std::string> failed;
        bool printed = false;
        for (const auto& f : found) {
            try {
                cli.outln(t.execute(as_typed(f)));
                printed = true;
            } catch (const Error& e) {
                failed.push_back(std::string("template parsing error: ") + e.what());
            }
        }
        if (!printed) cli.outln("");
        errors.insert(errors.begin(), failed.begin(), failed.end());
    }
    if (!errors.empty()) {
        std::string message;
        for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
        throw StatusError(1, message);
    }
    return 0;
}

}  // namespace

int cmd_inspect(Cli& cli, const Args& args) {
    return inspect(cli, args, "", "berth inspect");
}
int cmd_container_inspect(Cli& cli, const Args& args) {
    return inspect(cli, args, "container", "berth container inspect");
}
int cmd_image_inspect(Cli& cli, const Args& args) {
    return inspect(cli, args, "image", "berth image inspect");
}

}  // namespace berth::cli
