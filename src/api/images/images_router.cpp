#include "api/images/images_router.hpp"

#include "api/containers/create_keys.hpp"
#include "api/containers/fd_pump.hpp"
#include "api/filters.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

FilterMap to_map(const Filters& f, std::initializer_list<const char*> keys) {
    FilterMap out;
    for (const char* k : keys) {
        if (f.contains(k)) out[k] = f.values(k);
    }
    return out;
}

}  // namespace

std::string join_reference(const std::string& repo, const std::string& tag) {
    if (repo.empty() || tag.empty()) return repo;
    // A digest goes with "@", a tag with ":".
    return repo + (tag.rfind("sha256:", 0) == 0 ? "@" : ":") + tag;
}

std::vector<Route> ImagesRouter::routes() {
    return {
        {"GET", "/images/json", [this](Context& c) { return list(c); }},
        {"POST", "/images/prune", [this](Context& c) { return prune(c); }},
        {"POST", "/images/load", [this](Context& c) { return load(c); }},
        {"GET", "/images/get", [this](Context& c) { return save(c, c.query().all("names")); }},
        {"POST", "/images/create", [this](Context& c) { return create(c); }},
        {"POST", "/commit", [this](Context& c) { return commit(c); }},
        {"POST", "/auth", [this](Context& c) { return auth(c); }},
        {"GET", "/distribution/{name:.*}/json", [this](Context& c) { return distribution(c); }},
        {"POST", "/images/{name:.*}/push", [this](Context& c) { return push(c); }},
        {"GET", "/images/{name:.*}/json",
         [this](Context& c) { return Response::json(200, backend_.inspect(c.param("name"))); }},
        {"GET", "/images/{name:.*}/history",
         [this](Context& c) { return Response::json(200, backend_.history(c.param("name"))); }},
        {"GET", "/images/{name:.*}/get", [this](Context& c) { return save(c, {c.param("name")}); }},
        {"POST", "/images/{name:.*}/tag", [this](Context& c) { return tag(c); }},
        {"DELETE", "/images/{name:.*}", [this](Context& c) { return remove(c); }},
    };
}

Response ImagesRouter::list(Context& ctx) {
    Filters f = Filters::parse(ctx.query().get_or("filters", ""));
    f.validate({"before", "dangling", "label", "reference", "since", "until"});
    // API < 1.41 clients may still send the old `filter=<reference>`.
    if (auto legacy = ctx.query().get("filter"); legacy && !legacy->empty())
        f.add("reference", *legacy);
    FilterMap map = to_map(f, {"before", "dangling", "label", "reference", "since", "until"});
    return Response::json(200, backend_.list(map, ctx.query().get_bool("all")));
}

Response ImagesRouter::tag(Context& ctx) {
    std::string repo = ctx.query().get_or("repo", "");
    if (repo.empty())
        throw Error(Errc::invalid_argument, "repository name must have at least one component");
    backend_.tag(ctx.param("name"), join_reference(repo, ctx.query().get_or("tag", "")));
    return Response::text(201, "", "");
}

Response ImagesRouter::remove(Context& ctx) {
    return Response::json(200, backend_.remove(ctx.param("name"), ctx.query().get_bool("force"),
                                               ctx.query().get_bool("noprune")));
}

Response ImagesRouter::prune(Context& ctx) {
    Filters f = Filters::parse(ctx.query().get_or("filters", ""));
    f.validate({"dangling", "label", "label!", "until"});
    return Response::json(200, backend_.prune(to_map(f, {"dangling", "label", "label!", "until"})));
}

Response ImagesRouter::load(Context& ctx) {
    std::vector<std::string> lines;
    std::string body;
    try {
        lines = pump_from_request<std::vector<std::string>>(
            ctx, [&](int fd) { return backend_.load(fd); });
    } catch (const std::exception& e) {
        // As moby's postImagesLoad: the answer is a 200 JSON stream whatever happens, and a
        // failure is its last message ({"errorDetail": ..., "error": ...}); clients (docker
        // load, the SDKs) read it from there, not from the status.
        // Members in Go's order (errorDetail first); nlohmann would sort them.
        std::string text = Json(e.what()).dump();
        return Response::text(200, "{\"errorDetail\":{\"message\":" + text + "},\"error\":" + text + "}\r\n",
                              "application/json");
    }
    // `docker load` prints each {"stream": ...} message of this JSON stream.
    for (const auto& line : lines) body += Json{{"stream", line + "\n"}}.dump() + "\n";
    return Response::text(200, body, "application/json");
}

Response ImagesRouter::save(Context& ctx, std::vector<std::string> names) {
    if (names.empty()) throw Error(Errc::invalid_argument, "no images named to save");
    for (const auto& n : names) backend_.resolve(n);  // 404 before the tar starts
    pump_to_response([&](int fd) { backend_.save(names, fd); },
                     [&]() -> ResponseStream& { return ctx.stream("application/x-tar"); });
    return {};
}

Response ImagesRouter::create(Context& ctx) {
    const Query& q = ctx.query();
    if (auto image = q.get("fromImage"); image && !image->empty()) return pull(ctx);
    std::string src = q.get_or("fromSrc", "");
    if (src != "-") {
        throw Error(
            Errc::invalid_argument,
            src.empty()
                ? "fromImage or fromSrc is required"
                : "importing from a URL is not supported: use fromSrc=- with the tar as the body");
    }
    ImportRequest r;
    r.changes = q.all("changes");
    r.message = q.get_or("message", "");
    r.reference = join_reference(q.get_or("repo", ""), q.get_or("tag", ""));
    std::string id =
        pump_from_request<std::string>(ctx, [&](int fd) { return backend_.import(fd, r); });
    return Response::text(200, Json{{"status", id}}.dump() + "\n", "application/json");
}

Response ImagesRouter::commit(Context& ctx) {
    const Query& q = ctx.query();
    CommitRequest r;
    r.container = q.get_or("container", "");
    if (r.container.empty()) throw Error(Errc::invalid_argument, "No container specified");
    r.reference = join_reference(q.get_or("repo", ""), q.get_or("tag", ""));
    r.comment = q.get_or("comment", "");
    r.author = q.get_or("author", "");
    r.changes = q.all("changes");
    r.pause = q.get_bool_or("pause", true);
    r.config = ctx.json_body();
    if (!r.config.is_null() && !r.config.is_object())
        throw Error(Errc::invalid_argument, "invalid JSON: cannot unmarshal " +
                                                std::string(r.config.type_name()) +
                                                " into Go value of type container.Config");
    if (r.config.is_object()) canonicalize_container_config(r.config);
    return Response::json(201, {{"Id", backend_.commit(r)}});
}

}  // namespace berth::api
