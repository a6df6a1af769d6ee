// The streaming endpoints: logs, attach (hijacked), resize, stats, export.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "api/containers/containers_router.hpp"
#include "api/containers/websocket.hpp"
#include "api/containers/fd_pump.hpp"
#include "api/containers/stdio_bridge.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

bool container_tty(ContainerBackend& backend, const std::string& id) {
    Json info = backend.inspect(id, false);
    auto cfg = info.find("Config");
    return cfg != info.end() && cfg->is_object() && cfg->value("Tty", false);
}

// Since API 1.42 dockerd says which framing a stream uses; the CLI relies on it for TTYs.
std::string stream_type(const Context& ctx, bool tty) {
    if (tty || !ctx.version_at_least(ApiVersion{1, 42})) return "application/vnd.docker.raw-stream";
    return "application/vnd.docker.multiplexed-stream";
}

}  // namespace

Response ContainersRouter::logs(Context& ctx) {
    const Query& q = ctx.query();
    LogsRequest r;
    r.stdout_ = q.get_bool("stdout");
    r.stderr_ = q.get_bool("stderr");
    if (!r.stdout_ && !r.stderr_)
        throw Error(Errc::invalid_argument, "Bad parameters: you must choose at least one stream");
    r.follow = q.get_bool("follow");
    r.timestamps = q.get_bool("timestamps");
    r.details = q.get_bool("details");
    r.since = q.get_or("since", "");
    r.until = q.get_or("until", "");
    std::string tail = q.get_or("tail", "all");
    if (!tail.empty() && tail != "all") {
        // dockerd reads a malformed tail as "all"; a typo that silently dumps the whole log
        // helps nobody, so it is refused (a negative count still means all, as in dockerd).
        size_t used = 0;
        try {
            r.tail = std::stoll(tail, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != tail.size())
            throw Error(Errc::invalid_argument,
                        "invalid value for tail: \"" + tail + "\" is not an integer or \"all\"");
        if (r.tail < 0) r.tail = -1;
    }
    const std::string& id = ctx.param("id");
    Json info = backend_.inspect(id, false);
    // Checked before the stream's 200 goes out, as dockerd answers it: 501.
    if (info.contains("HostConfig") && info["HostConfig"].is_object() && info["HostConfig"].contains("LogConfig") &&
        info["HostConfig"]["LogConfig"].value("Type", "") == "none") {
        throw Error(Errc::not_implemented, "configured logging driver does not support reading");
    }
    auto cfg = info.find("Config");
    bool tty = cfg != info.end() && cfg->is_object() && cfg->value("Tty", false);
    ResponseStream& out = ctx.stream(stream_type(ctx, tty));
    backend_.logs(id, r, [&](int stream, std::string_view text) {
        if (stopping_) return false;
        try {
            out.write(tty ? std::string(text) : mux_frame(stream, text));
        } catch (const std::exception&) {
            return false;
        }
        return true;
    });
    return {};
}

Response ContainersRouter::attach(Context& ctx) {
    const Query& q = ctx.query();
    const std::string id = backend_.resolve(ctx.param("id"));
    bool tty = container_tty(backend_, id);
    BridgeOptions bridge;
    bridge.forward_stdin = q.get_bool("stdin");
    bridge.detach_keys = parse_detach_keys(q.get_or("detachKeys", ""));
    // As Docker: the detach sequence is honoured only with a TTY; without one stdin is data
    // (binary input holding ctrl-p ctrl-q must reach the process whole).
    if (!tty) bridge.detach_keys.clear();
    AttachRequest request{bridge.forward_stdin, q.get_bool("stdout"), q.get_bool("stderr")};
    auto client = ctx.hijack(stream_type(ctx, tty));
    try {
        if (q.get_bool("logs") && (request.stdout_ || request.stderr_)) {
            LogsRequest past;
            past.stdout_ = request.stdout_;
            past.stderr_ = request.stderr_;
            backend_.logs(id, past, [&](int stream, std::string_view text) {
                client->write_all(tty ? std::string(text) : mux_frame(stream, text));
                return true;
            });
        }
        if (q.get_bool("stream")) {
            StdioStream process = backend_.attach(id, request);
            bridge_stdio(*client, process, bridge);
        }
    } catch (const std::exception&) {
        // The response is the raw stream now: all that is left to say is goodbye.
    }
    client->close();
    return {};
}

Response ContainersRouter::attach_ws(Context& ctx) {
    const Query& q = ctx.query();
    const std::string id = backend_.resolve(ctx.param("id"));
    auto upgrade = ctx.header("Upgrade");
    auto key = ctx.header("Sec-WebSocket-Key");
    std::string up = upgrade.value_or("");
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::tolower(c); });
    if (up != "websocket" || !key || key->empty())
        throw Error(Errc::invalid_argument, "not a websocket handshake: Upgrade: websocket and Sec-WebSocket-Key are required");
    bool tty = container_tty(backend_, id);
    BridgeOptions bridge;
    bridge.detach_keys = parse_detach_keys(q.get_or("detachKeys", ""));
    if (!tty) bridge.detach_keys.clear();
    // As moby: API >= 1.42 honours stdin/stdout/stderr like the plain attach; older ones
    // attach all three. Never multiplexed: websocket frames carry the bytes as they are.
    bool params = ctx.version_at_least(ApiVersion{1, 42});
    AttachRequest request{params ? q.get_bool("stdin") : true, params ? q.get_bool("stdout") : true,
                          params ? q.get_bool("stderr") : true};
    bridge.forward_stdin = request.stdin_;
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: " + websocket_accept(*key) + "\r\n\r\n";
    WebSocketStream client(ctx.hijack_with_head(head), ctx.version_at_least(ApiVersion{1, 28}));
    try {
        if (q.get_bool("logs") && (request.stdout_ || request.stderr_)) {
            LogsRequest past;
            past.stdout_ = request.stdout_;
            past.stderr_ = request.stderr_;
            backend_.logs(id, past, [&](int, std::string_view text) {
                client.write_all(text);
                return true;
            });
        }
        if (q.get_bool("stream")) {
            StdioStream process = backend_.attach(id, request);
            // The shim frames a non-TTY container's output for the multiplexed attach; here
            // it goes out bare, as dockerd writes it to the websocket.
            bridge.unframe_output = !process.tty;
            bridge_stdio(client, process, bridge);
        }
    } catch (const std::exception&) {
    }
    client.close();
    return {};
}

Response ContainersRouter::resize(Context& ctx) {
    auto h = ctx.query().get_int("h").value_or(0);
    auto w = ctx.query().get_int("w").value_or(0);
    if (h < 0 || w < 0) throw Error(Errc::invalid_argument, "invalid resize dimensions");
    backend_.resize(ctx.param("id"), static_cast<unsigned>(h), static_cast<unsigned>(w));
    return Response::text(200, "");
}

Response ContainersRouter::stats(Context& ctx) {
    bool stream = ctx.query().get_bool_or("stream", true);
    bool one_shot = ctx.query().get_bool("one-shot");
    const std::string id = backend_.resolve(ctx.param("id"));
    Json sample = backend_.stats(id);
    if (!stream) {
        // Like dockerd, a second sample a second later gives the CLI its CPU delta.
        if (!one_shot && !stopping_) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            Json next = backend_.stats(id);
            next["precpu_stats"] = sample.value("cpu_stats", Json::object());
            sample = std::move(next);
        }
        return Response::json(200, sample);
    }
    ResponseStream& out = ctx.stream("application/json");
    for (;;) {
        try {
            out.write(sample.dump() + "\n");
        } catch (const std::exception&) {
            break;
        }
        if (stopping_ || out.wait_client_gone(std::chrono::seconds(1))) break;
        Json next;
        try {
            next = backend_.stats(id);
        } catch (const Error&) {
            break;  // removed meanwhile
        }
        next["precpu_stats"] = sample.value("cpu_stats", Json::object());
        sample = std::move(next);
    }
    return {};
}

Response ContainersRouter::export_rootfs(Context& ctx) {
    const std::string id = backend_.resolve(ctx.param("id"));
    pump_to_response([&](int fd) { backend_.export_rootfs(id, fd); },
                     [&]() -> ResponseStream& { return ctx.stream("application/x-tar"); });
    return {};
}

}  // namespace berth::api
