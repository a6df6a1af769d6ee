#include "api/system/system_router.hpp"

#include <charconv>

#include "common/error.hpp"

namespace berth::api {

std::vector<Route> SystemRouter::routes() {
    return {
        {"GET", "/_ping", [this](Context& c) { return ping(c); }},
        {"HEAD", "/_ping", [this](Context& c) { return ping(c); }},
        {"GET", "/version", [this](Context&) { return Response::json(200, version_json()); }},
        {"GET", "/info", [this](Context&) { return Response::json(200, info_json()); }},
        {"GET", "/events", [this](Context& c) { return events(c); }},
        {"GET", "/system/df",
         [this](Context&) { return Response::json(200, backend_.disk_usage()); }},
    };
}

Response SystemRouter::ping(Context& ctx) {
    // The docker CLI negotiates its API version from these headers before anything else.
    Response r = Response::text(200, ctx.method() == "HEAD" ? "" : "OK");
    r.header("Builder-Version", "1");
    r.header("Docker-Experimental", "false");
    r.header("Ostype", "linux");
    r.header("Cache-Control", "no-cache, no-store, must-revalidate");
    r.header("Pragma", "no-cache");
    return r;
}

int64_t parse_unix_timestamp(const std::string& value, const char* key) {
    auto bad = [&]() -> int64_t {
        throw Error(Errc::invalid_argument, std::string("invalid value for ") + key + ": \"" +
                                                value + "\" is not a Unix timestamp");
    };
    auto dot = value.find('.');
    std::string_view secs = std::string_view(value).substr(0, dot);
    int64_t s = 0;
    auto [p, ec] = std::from_chars(secs.data(), secs.data() + secs.size(), s);
    if (secs.empty() || ec != std::errc{} || p != secs.data() + secs.size()) return bad();
    int64_t nanos = 0;
    if (dot != std::string::npos) {
        std::string frac = value.substr(dot + 1);
        if (frac.empty() || frac.size() > 9 ||
            frac.find_first_not_of("0123456789") != std::string::npos)
            return bad();
        frac.resize(9, '0');
        nanos = std::stoll(frac);
    }
    return s * 1000000000 + (s < 0 ? -nanos : nanos);
}

Response SystemRouter::events(Context& ctx) {
    EventFilter filter(Filters::parse(ctx.query().get_or("filters", "")));
    std::optional<int64_t> since, until;
    if (auto v = ctx.query().get("since"); v && !v->empty())
        since = parse_unix_timestamp(*v, "since");
    if (auto v = ctx.query().get("until"); v && !v->empty())
        until = parse_unix_timestamp(*v, "until");
    if (since && until && *until < *since) {
        throw Error(Errc::invalid_argument, "`since` time (" + *ctx.query().get("since") +
                                                ") cannot be after `until` time (" +
                                                *ctx.query().get("until") + ")");
    }
    // An until in the past asks only for recorded events: send them and end the stream.
    bool only_past = until && *until < EventBus::now_nano();
    auto sub = events_.subscribe(std::move(filter), since, until);
    struct Unsubscribe {
        EventBus& bus;
        std::shared_ptr<EventSubscription> sub;
        ~Unsubscribe() { bus.unsubscribe(sub); }
    } guard{events_, sub.live};

    // Headers go out at once: `docker events` shows nothing until it has them.
    ResponseStream& out = ctx.stream("application/json");
    for (const auto& ev : sub.backlog) out.write(ev.dump() + "\n");
    if (only_past) return {};
    for (;;) {
        auto wait = std::chrono::milliseconds(1000);
        if (until) {
            int64_t left = *until - EventBus::now_nano();
            if (left <= 0) break;
            wait = std::min(wait, std::chrono::milliseconds(left / 1000000 + 1));
        }
        if (auto ev = sub.live->next(wait)) {
            if (until && (*ev)["timeNano"].get<int64_t>() > *until) break;
            out.write(ev->dump() + "\n");
            continue;
        }
        // Nothing to send: notice a client that went away, and a daemon shutting down.
        if (sub.live->closed() || out.client_gone()) break;
    }
    return {};
}

}  // namespace berth::api
