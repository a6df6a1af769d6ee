// docker cp: HEAD/GET/PUT /containers/{id}/archive.
#include "api/containers/containers_router.hpp"
#include "api/containers/fd_pump.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

std::string base64(std::string_view in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += k[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string path_param(const Context& ctx) {
    std::string path = ctx.query().get_or("path", "");
    if (path.empty()) throw Error(Errc::invalid_argument, "bad parameter: path cannot be empty");
    return path;
}

std::pair<std::string, std::string> stat_header(const PathStat& st) {
    Json j = {{"name", st.name},
              {"size", st.size},
              {"mode", st.mode},
              {"mtime", st.mtime},
              {"linkTarget", st.link_target}};
    return {"X-Docker-Container-Path-Stat", base64(j.dump())};
}

}  // namespace

Response ContainersRouter::archive_head(Context& ctx) {
    PathStat st = backend_.stat_path(ctx.param("id"), path_param(ctx));
    Response r = Response::text(200, "", "");
    r.headers.push_back(stat_header(st));
    return r;
}

Response ContainersRouter::archive_get(Context& ctx) {
    // The name as given: Docker's messages name the container the way the user did.
    const std::string id = ctx.param("id");
    const std::string path = path_param(ctx);
    PathStat st = backend_.stat_path(id, path);
    auto header = stat_header(st);
    pump_to_response(
        [&](int fd) { backend_.get_archive(id, path, fd); },
        [&]() -> ResponseStream& { return ctx.stream("application/x-tar", 200, {header}); });
    return {};
}

Response ContainersRouter::archive_put(Context& ctx) {
    const std::string id = ctx.param("id");
    backend_.resolve(id);  // 404 before the body is read
    const std::string path = path_param(ctx);
    bool no_overwrite = ctx.query().get_bool("noOverwriteDirNonDir");
    pump_body_into(ctx, [&](int fd) { backend_.put_archive(id, path, fd, no_overwrite); });
    return Response::text(200, "", "");
}

}  // namespace berth::api
