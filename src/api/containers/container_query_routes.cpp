// List, inspect, top, changes.
#include <algorithm>

#include "api/containers/containers_router.hpp"
#include "api/filters.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

constexpr const char* kListFilters[] = {"ancestor", "before",    "expose",  "exited", "health",
                                        "id",       "isolation", "is-task", "label",  "name",
                                        "network",  "publish",   "since",   "status", "volume"};

}  // namespace

FilterMap container_filters(const std::string& json_text) {
    Filters f = Filters::parse(json_text);
    f.validate({"ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task",
                "label", "name", "network", "publish", "since", "status", "volume"});
    FilterMap out;
    for (const char* key : kListFilters) {
        if (f.contains(key)) out[key] = f.values(key);
    }
    for (const auto& s : f.values("status")) {
        static const char* kStates[] = {"created", "restarting", "running", "removing",
                                        "paused",  "exited",     "dead"};
        if (std::find(std::begin(kStates), std::end(kStates), s) == std::end(kStates))
            throw Error(Errc::invalid_argument, "invalid filter 'status=" + s + "'");
    }
    return out;
}

Response ContainersRouter::list(Context& ctx) {
    ContainerListOptions o;
    o.all = ctx.query().get_bool("all");
    o.size = ctx.query().get_bool("size");
    auto limit = ctx.query().get_int("limit");
    o.filters = container_filters(ctx.query().get_or("filters", ""));
    // before/since name containers; the backend lists newest first, so they cut the list.
    std::string before, since;
    if (auto it = o.filters.find("before"); it != o.filters.end()) {
        if (!it->second.empty()) before = backend_.resolve(it->second.front());
        o.filters.erase(it);
    }
    if (auto it = o.filters.find("since"); it != o.filters.end()) {
        if (!it->second.empty()) since = backend_.resolve(it->second.front());
        o.filters.erase(it);
    }
    // `docker ps -n N` and before/since show stopped containers too, as dockerd does.
    if ((limit && *limit > 0) || !before.empty() || !since.empty()) o.all = true;
    std::vector<Json> rows = backend_.list(o);
    std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
        return a.value("Created", int64_t{0}) > b.value("Created", int64_t{0});
    });
    auto index_of = [&](const std::string& id) {
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i].value("Id", "") == id) return static_cast<long>(i);
        return -1L;
    };
    if (!before.empty()) {
        long i = index_of(before);
        rows.erase(rows.begin(), i < 0 ? rows.end() : rows.begin() + i + 1);
    }
    if (!since.empty()) {
        long i = index_of(since);
        if (i >= 0) rows.erase(rows.begin() + i, rows.end());
    }
    if (limit && *limit > 0 && rows.size() > static_cast<size_t>(*limit)) rows.resize(*limit);
    return Response::json(200, Json(rows));
}

Response ContainersRouter::inspect(Context& ctx) {
    return Response::json(200, backend_.inspect(ctx.param("id"), ctx.query().get_bool("size")));
}

Response ContainersRouter::top(Context& ctx) {
    std::string args = ctx.query().get_or("ps_args", "");
    return Response::json(200, backend_.top(ctx.param("id"), args.empty() ? "-ef" : args));
}

Response ContainersRouter::changes(Context& ctx) {
    Json changes = backend_.changes(ctx.param("id"));
    // dockerd answers null, not [], for a container without changes.
    if (changes.is_array() && changes.empty()) changes = nullptr;
    return Response::json(200, changes);
}

}  // namespace berth::api
