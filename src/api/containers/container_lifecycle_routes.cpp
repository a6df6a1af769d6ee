// Create, start/stop/kill/restart, wait, remove, rename, update, prune.
#include <chrono>
#include <thread>

#include "api/containers/containers_router.hpp"
#include "api/containers/create_keys.hpp"
#include "api/filters.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

int timeout_param(const Context& ctx) {
    auto t = ctx.query().get_int("t");
    return t ? static_cast<int>(*t) : -1;
}

}  // namespace

Response ContainersRouter::create(Context& ctx) {
    Json body = ctx.json_body();
    if (body.is_null()) {
        throw Error(Errc::invalid_argument,
                    "config cannot be empty in order to create a container");
    }
    if (!body.is_object()) {
        throw Error(Errc::invalid_argument, "invalid JSON: cannot unmarshal " +
                                                std::string(body.type_name()) +
                                                " into Go value of type container.CreateRequest");
    }
    canonicalize_create_request(body);
    Json result = backend_.create(body, ctx.query().get_or("name", ""),
                                  !ctx.version_at_least(ApiVersion{1, 44}));
    if (!result.contains("Warnings") || result["Warnings"].is_null())
        result["Warnings"] = Json::array();
    return Response::json(201, result);
}

Response ContainersRouter::start(Context& ctx) {
    bool started = backend_.start(ctx.param("id"));
    return Response::no_content(started ? 204 : 304);
}

Response ContainersRouter::stop(Context& ctx) {
    bool stopped =
        backend_.stop(ctx.param("id"), timeout_param(ctx), ctx.query().get_or("signal", ""));
    return Response::no_content(stopped ? 204 : 304);
}

Response ContainersRouter::restart(Context& ctx) {
    backend_.restart(ctx.param("id"), timeout_param(ctx), ctx.query().get_or("signal", ""));
    return Response::no_content();
}

Response ContainersRouter::kill(Context& ctx) {
    std::string signal = ctx.query().get_or("signal", "");
    backend_.kill(ctx.param("id"), signal.empty() ? "SIGKILL" : signal);
    return Response::no_content();
}

Response ContainersRouter::wait(Context& ctx) {
    std::string condition = ctx.query().get_or("condition", "");
    if (!ctx.version_at_least(ApiVersion{1, 30})) condition.clear();
    if (!condition.empty() && condition != "not-running" && condition != "next-exit" &&
        condition != "removed") {
        throw Error(Errc::invalid_argument, "invalid condition: \"" + condition + "\"");
    }
    ResponseStream* out = nullptr;
    // The headers go out as soon as the wait is in place: the docker CLI waits for them before
    // it starts the container.
    auto registered = [&] { out = &ctx.stream("application/json"); };
    WaitOutcome outcome;
    try {
        outcome = backend_.wait(ctx.param("id"), condition.empty() ? "not-running" : condition,
                                registered, [&] { return out && out->client_gone(); });
    } catch (const Error& e) {
        if (!out) throw;
        if (out->client_gone()) return {};  // nobody to answer
        outcome.status_code = -1;
        outcome.error = e.what();
    }
    Json body = {{"StatusCode", outcome.status_code}, {"Error", nullptr}};
    if (!outcome.error.empty()) body["Error"] = {{"Message", outcome.error}};
    if (!out) out = &ctx.stream("application/json");
    out->write(body.dump() + "\n");
    return {};
}

Response ContainersRouter::remove(Context& ctx) {
    backend_.remove(ctx.param("id"), ctx.query().get_bool("force"), ctx.query().get_bool("v"));
    return Response::no_content();
}

Response ContainersRouter::rename(Context& ctx) {
    std::string name = ctx.query().get_or("name", "");
    if (name.empty()) throw Error(Errc::invalid_argument, "Neither old nor new names may be empty");
    backend_.rename(ctx.param("id"), name);
    return Response::no_content();
}

Response ContainersRouter::update(Context& ctx) {
    Json body = ctx.json_body();
    if (body.is_null()) body = Json::object();
    if (!body.is_object()) {
        throw Error(Errc::invalid_argument, "invalid JSON: cannot unmarshal " +
                                                std::string(body.type_name()) +
                                                " into Go value of type container.UpdateConfig");
    }
    canonicalize_update_request(body);
    auto warnings = backend_.update(ctx.param("id"), body);
    return Response::json(200, {{"Warnings", warnings}});
}

Response ContainersRouter::prune(Context& ctx) {
    Filters f = Filters::parse(ctx.query().get_or("filters", ""));
    f.validate({"label", "label!", "until"});
    FilterMap map;
    for (const char* key : {"label", "label!", "until"}) {
        if (f.contains(key)) map[key] = f.values(key);
    }
    return Response::json(200, backend_.prune(map));
}

}  // namespace berth::api
