#include "api/exec/exec_router.hpp"

#include <utility>

#include "api/containers/stdio_bridge.hpp"
#include "api/json_keys.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

[[noreturn]] void wrong_type(const Json& value, const char* go_type) {
    throw Error(Errc::invalid_argument, "invalid JSON: cannot unmarshal " +
                                            std::string(value.type_name()) +
                                            " into Go value of type " + go_type);
}

[[noreturn]] void wrong_field(const Json& value, const std::string& field, const char* go_type) {
    std::string kind = value.is_number()    ? "number"
                       : value.is_boolean() ? "bool"
                                            : value.type_name();
    throw Error(Errc::invalid_argument, "json: cannot unmarshal " + kind +
                                            " into Go struct field " + field + " of type " +
                                            go_type);
}

// The ExecOptions members the engine reads, with the Go types dockerd decodes them into.
void check_exec_options(const Json& body) {
    static const std::pair<const char*, const char*> kFields[] = {
        {"User", "string"},       {"Privileged", "bool"},   {"Tty", "bool"},
        {"AttachStdin", "bool"},  {"AttachStdout", "bool"}, {"AttachStderr", "bool"},
        {"DetachKeys", "string"}, {"WorkingDir", "string"}, {"Env", "[]string"},
        {"Cmd", "[]string"}};
    for (const auto& [key, type] : kFields) {
        auto v = body.find(key);
        if (v == body.end() || v->is_null()) continue;
        std::string t = type;
        bool ok = t == "string" ? v->is_string() : t == "bool" ? v->is_boolean() : v->is_array();
        if (!ok) wrong_field(*v, std::string("ExecOptions.") + key, type);
        if (t == "[]string") {
            for (const auto& x : *v)
                if (!x.is_string()) wrong_field(x, std::string("ExecOptions.") + key, "string");
        }
    }
}

}  // namespace

std::vector<Route> ExecRouter::routes() {
    return {
        {"POST", "/containers/{id}/exec", [this](Context& c) { return create(c); }},
        {"POST", "/exec/{id}/start", [this](Context& c) { return start(c); }},
        {"POST", "/exec/{id}/resize", [this](Context& c) { return resize(c); }},
        {"GET", "/exec/{id}/json",
         [this](Context& c) { return Response::json(200, backend_.exec_inspect(c.param("id"))); }},
    };
}

Response ExecRouter::create(Context& ctx) {
    Json body = ctx.json_body();
    if (body.is_null()) body = Json::object();
    if (!body.is_object()) wrong_type(body, "container.ExecOptions");
    canonicalize_keys(body, {"User", "Privileged", "Tty", "ConsoleSize", "AttachStdin", "AttachStderr",
                             "AttachStdout", "Detach", "DetachKeys", "Env", "WorkingDir", "Cmd"});
    check_exec_options(body);
    auto cmd = body.find("Cmd");
    if (cmd == body.end() || cmd->is_null() || cmd->empty())
        throw Error(Errc::invalid_argument, "No exec command specified");
    std::string id = backend_.exec_create(ctx.param("id"), body);
    return Response::json(201, {{"Id", id}});
}

Response ExecRouter::start(Context& ctx) {
    Json body = ctx.json_body();
    if (body.is_null()) body = Json::object();
    if (!body.is_object()) wrong_type(body, "container.ExecStartOptions");
    canonicalize_keys(body, {"Detach", "Tty", "ConsoleSize"});
    ExecStartRequest r;
    for (const char* key : {"Detach", "Tty"}) {
        if (auto v = body.find(key); v != body.end() && !v->is_null() && !v->is_boolean())
            wrong_field(*v, std::string("ExecStartOptions.") + key, "bool");
    }
    r.detach = body.value("Detach", false);
    r.tty = body.value("Tty", false);
    if (auto cs = body.find("ConsoleSize"); cs != body.end() && !cs->is_null()) {
        if (!cs->is_array() || cs->size() != 2 || !(*cs)[0].is_number_unsigned() ||
            !(*cs)[1].is_number_unsigned())
            wrong_field(*cs, "ExecStartOptions.ConsoleSize", "*[2]uint");
        r.height = (*cs)[0].get<unsigned>();
        r.width = (*cs)[1].get<unsigned>();
    }
    const std::string& id = ctx.param("id");
    Json info = backend_.exec_inspect(id);  // an unknown exec is a 404 before any upgrade
    if (r.detach) {
        backend_.exec_start(id, r);
        return Response::text(200, "", "");
    }
    // As moby does, the connection is upgraded before the process starts, and a start error
    // (no such executable, container stopped meanwhile) is written into the stream: the
    // docker CLI prints it and exits with the exec's code (126/127, see exec inspect) instead
    // of failing the upgrade with "unable to upgrade to tcp".
    // As moby: the framing follows the start request's Tty alone, not the exec's own; a
    // client that starts a TTY exec with {"Tty": false} reads stdcopy frames.
    bool tty = info["ProcessConfig"].value("tty", false);
    // Without a TTY the output is always stdcopy frames; only the Content-Type that says so
    // depends on the API version (1.42 introduced it), exactly as moby's postContainerExecStart.
    bool multiplexed = !r.tty;
    bool say_multiplexed = multiplexed && ctx.version_at_least(ApiVersion{1, 42});
    auto client = ctx.hijack(say_multiplexed ? "application/vnd.docker.multiplexed-stream"
                                             : "application/vnd.docker.raw-stream");
    StdioStream process;
    try {
        process = backend_.exec_start(id, r);
    } catch (const std::exception& e) {
        std::string text = std::string(e.what()) + "\r\n";
        try {
            client->write_all(multiplexed ? mux_frame(1, text) : text);
        } catch (const std::exception&) {
        }
        client->close();
        return {};
    }
    BridgeOptions bridge;
    bridge.forward_stdin = info.value("OpenStdin", false);
    try {
        bridge.detach_keys = parse_detach_keys(info.value("DetachKeys", ""));
    } catch (const Error&) {
        bridge.detach_keys = parse_detach_keys("");
    }
    if (!tty) bridge.detach_keys.clear();  // as for attach: only a TTY has a detach sequence
    bridge.frame_output = process.tty && multiplexed;
    try {
        if (process.fd) bridge_stdio(*client, process, bridge);
    } catch (const std::exception&) {
    }
    client->close();
    return {};
}

Response ExecRouter::resize(Context& ctx) {
    auto h = ctx.query().get_int("h").value_or(0);
    auto w = ctx.query().get_int("w").value_or(0);
    if (h < 0 || w < 0) throw Error(Errc::invalid_argument, "invalid resize dimensions");
    backend_.exec_resize(ctx.param("id"), static_cast<unsigned>(h), static_cast<unsigned>(w));
    return Response::text(200, "", "");
}

}  // namespace berth::api
