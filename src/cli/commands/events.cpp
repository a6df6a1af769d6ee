// `berth events`: the daemon's event stream, one line per event in Docker's layout or --format.
#include <algorithm>
#include <ctime>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/timestamps.hpp"
#include "cli/template/template.hpp"

namespace berth::cli {

namespace {

// Go's "2006-01-02T15:04:05.000000000Z07:00" in local time.
std::string rfc3339_nano_fixed(int64_t ns) {
    time_t secs = static_cast<time_t>(ns / 1'000'000'000);
    tm local{};
    localtime_r(&secs, &local);
    char date[32], zone[8];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
    long offset = local.tm_gmtoff;
    if (offset == 0) {
        std::snprintf(zone, sizeof zone, "Z");
    } else {
        std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
                      std::labs(offset) / 3600, (std::labs(offset) % 3600) / 60);
    }
    char out[80];
    std::snprintf(out, sizeof out, "%s.%09lld%s", date, static_cast<long long>(ns % 1'000'000'000),
                  zone);
    return out;
}

std::string pretty_event(const Json& e) {
    std::string out;
    int64_t nano = e.value("timeNano", int64_t{0});
    int64_t secs = e.value("time", int64_t{0});
    if (nano != 0)
        out += rfc3339_nano_fixed(nano) + " ";
    else if (secs != 0)
        out += rfc3339_nano_fixed(secs * 1'000'000'000) + " ";
    const Json actor = e.value("Actor", Json::object());
    out += e.value("Type", "") + " " + e.value("Action", "") + " " + actor.value("ID", "");
    const Json attrs = actor.value("Attributes", Json::object());
    if (attrs.is_object() && !attrs.empty()) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : attrs.items()) keys.push_back(k);
        std::sort(keys.begin(), keys.end());
        out += " (";
        for (size_t i = 0; i < keys.size(); ++i) {
            const Json& v = attrs[keys[i]];
            out +=
                (i ? ", " : "") + keys[i] + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        }
        out += ")";
    }
    return out;
}

// JSON text of an event in the order of docker's events.Message struct (json.Marshal keeps
// field order; only the Attributes map comes sorted), so `{{json .}}` reads as docker's.
std::string event_json(const Json& v, int depth = 0) {
    if (!v.is_object() || depth > 1) return v.dump(-1, ' ', false, Json::error_handler_t::replace);
    static const char* const kMessage[] = {"status", "id",    "from", "Type",    "Action",
                                           "Actor",  "scope", "time", "timeNano"};
    static const char* const kActor[] = {"ID", "Attributes"};
    std::vector<std::string> order;
    if (depth == 0)
        order.assign(std::begin(kMessage), std::end(kMessage));
    else
        order.assign(std::begin(kActor), std::end(kActor));
    for (const auto& [k, _] : v.items())
        if (std::find(order.begin(), order.end(), k) == order.end()) order.push_back(k);
    std::string out = "{";
    for (const auto& k : order) {
        if (!v.contains(k)) continue;
        if (out.size() > 1) out += ",";
        out += Json(k).dump() + ":" +
               (k == "Actor" ? event_json(v[k], depth + 1) : event_json(v[k], 2));
    }
    return out + "}";
}

}  // namespace

int cmd_events(Cli& cli, const Args& args) {
    std::string since, until, format;
    std::vector<std::string> filters;
    FlagSet flags("berth events", "[OPTIONS]", "Get real time events from the server");
    flags.strings(&filters, "filter", 'f', "Filter output based on conditions provided", "filter");
    flags.string(&format, "format", 0, "Format output using a custom template");
    flags.string(&since, "since", 0, "Show all events created since timestamp");
    flags.string(&until, "until", 0, "Stream events until this timestamp");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    client::Filters f;
    for (const auto& v : filters) f.add_arg(v);
    Query q;
    q.add_if(!since.empty(), "since", api_timestamp(since));
    q.add_if(!until.empty(), "until", api_timestamp(until));
    q.add_if(!f.empty(), "filters", f.to_json());
    std::optional<tmpl::Template> t;
    if (!format.empty()) {
        try {
            t = tmpl::Template::parse(format == "json" ? "{{json .}}" : format);
            t->set_function("json", [](std::vector<tmpl::Value>& a) {
                if (a.size() != 1)
                    throw Error(Errc::invalid_argument, "wrong number of args for json");
                if (a[0].missing) return tmpl::Value(std::string("null"));
                bool message = a[0].json.is_object() && a[0].json.contains("Action");
                return tmpl::Value(
                    message ? event_json(a[0].json)
                            : a[0].json.dump(-1, ' ', false, Json::error_handler_t::replace));
            });
        } catch (const Error& e) {
            throw StatusError(64, std::string("template parsing error: ") + e.what());
        }
    }
    std::string pending;
    cli.api().stream("GET", "/events", q, [&](std::string_view data) {
        pending.append(data);
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            auto e = Json::parse(line, nullptr, false);
            if (!e.is_object()) continue;
            cli.outln(t ? t->execute(e) : pretty_event(e));
            std::fflush(stdout);
        }
        return true;
    });
    return 0;
}

}  // namespace berth::cli
