// Exec. Design: the engine builds the OCI process (the container's own process settings, with
// the exec's Cmd, Env, User, WorkingDir, Tty, Privileged) and asks the container's shim to run
// it ("exec" request, shim/protocol.hpp). The shim calls libberth-runtime's exec, so the process
// is the shim's child: it is reaped and its exit code kept there, and the daemon never enters
// a container namespace itself. Exec records live in memory, as in Docker.
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/container_config.hpp"
#include "engine/errno_text.hpp"
#include "engine/manager_internal.hpp"
#include "engine/names.hpp"
#include "engine/oci_config.hpp"
#include "engine/user_lookup.hpp"
#include "shim/protocol.hpp"

namespace berth::engine {

namespace {

std::string exec_action(const Json& config) {
    std::string cmd;
    for (const auto& a : json_strings(config, "Cmd")) cmd += (cmd.empty() ? "" : " ") + a;
    return cmd;
}

}  // namespace

std::string ContainerManager::exec_create(const std::string& key, const Json& config) {
    auto e = find(key);
    if (!config.is_object()) throw Error(Errc::invalid_argument, "invalid exec config: expected an object");
    if (json_strings(config, "Cmd").empty()) throw Error(Errc::invalid_argument, "No exec command specified");
    auto x = std::make_shared<Exec>();
    x->id = generate_id();
    x->config = config;
    x->tty = json_bool(config, "Tty");
    Container c;
    {
        std::lock_guard lock(mu_);
        if (e->c.state.status == "paused") throw Error(Errc::conflict, "Container " + e->c.id + " is paused, unpause the container before exec");
        if (!e->c.state.running()) throw Error(Errc::conflict, "Container " + e->c.id + " is not running");
        x->container_id = e->c.id;
        execs_[x->id] = x;
        c = e->c;
    }
    emit(c, "exec_create: " + exec_action(config), {{"execID", x->id}});
    return x->id;
}

AttachStream ContainerManager::exec_start(const std::string& exec_id, const ExecStartOptions& options) {
    std::shared_ptr<Exec> x;
    std::shared_ptr<Entry> e;
    {
        std::lock_guard lock(mu_);
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) throw Error(Errc::not_found, "No such exec instance: " + exec_id);
        x = it->second;
        // moby's words: one for an exec that has ended (it has an exit code), one for a running one.
        if (x->started && !x->running && x->exit_code >= 0)
            throw Error(Errc::conflict, "Error: Exec command " + exec_id + " has already run");
        if (x->started) throw Error(Errc::conflict, "Error: Exec command " + exec_id + " is already running");
        auto ce = containers_.find(x->container_id);
        if (ce == containers_.end()) throw Error(Errc::not_found, "No such container: " + x->container_id);
        e = ce->second;
        if (!e->c.state.running()) throw Error(Errc::conflict, "Container " + x->container_id + " is not running");
        x->started = true;
    }
    std::string dir = container_dir(x->container_id);
    Json spec = parse_json(read_file(dir + "/config.json"), "config.json");
    Json process = spec["process"];
    const Json& cfg = x->config;
    process["args"] = json_strings(cfg, "Cmd");
    bool tty = x->tty || options.tty;
    process["terminal"] = tty;
    if (tty && (options.height || options.width)) process["consoleSize"] = {{"height", options.height}, {"width", options.width}};
    else if (tty && cfg.contains("ConsoleSize") && cfg["ConsoleSize"].is_array() && cfg["ConsoleSize"].size() == 2) {
        process["consoleSize"] = {{"height", cfg["ConsoleSize"][0]}, {"width", cfg["ConsoleSize"][1]}};
    } else {
        process.erase("consoleSize");
    }
    std::vector<std::string> env = process["env"].get<std::vector<std::string>>();
    if (tty) env = merge_env(env, {"TERM=xterm"});
    process["env"] = merge_env(env, json_strings(cfg, "Env"));
    if (auto wd = json_string(cfg, "WorkingDir"); !wd.empty()) process["cwd"] = wd;
    if (auto user = json_string(cfg, "User"); !user.empty()) {
        auto u = resolve_user(spec["root"]["path"], user);
        process["user"] = {{"uid", u.uid}, {"gid", u.gid}};
        if (!u.additional_gids.empty()) process["user"]["additionalGids"] = u.additional_gids;
        if (u.uid != 0) {
            process["capabilities"]["effective"] = Json::array();
            process["capabilities"]["permitted"] = Json::array();
        }
    }
    if (json_bool(cfg, "Privileged")) {
        auto all = all_capabilities();
        process["capabilities"] = {{"bounding", all}, {"effective", all}, {"permitted", all}};
    }
    bool want_stdin = json_bool(cfg, "AttachStdin") && !options.detach;
    Json req = {{"op", "exec"}, {"exec", x->id}, {"process", process}, {"stdin", want_stdin}, {"detach", options.detach}};
    int fd = -1;
    Json reply;
    try {
        reply = shim::call(shim_dir(x->container_id), req, options.detach ? nullptr : &fd);
    } catch (const Error& err) {
        std::lock_guard lock(mu_);
        x->exit_code = 126;
        std::string m = go_errno_text(err.what());
        if (m.find("not found") != std::string::npos ||
            m.find("no such file or directory") != std::string::npos)
            x->exit_code = 127;
        throw Error(Errc::invalid_argument, std::string("OCI runtime exec failed: ") + m);
    }
    {
        std::lock_guard lock(mu_);
        x->pid = reply.value("pid", 0);
        x->running = true;
    }
    emit(e->c, "exec_start: " + exec_action(cfg), {{"execID", x->id}});
    watch_exec_exit(x);
    AttachStream s;
    s.tty = tty;
    if (fd >= 0) s.fd.reset(fd);
    return s;
}

void ContainerManager::watch_exec_exit(std::shared_ptr<Exec> x) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    spawn_locked([this, x] {
        // Short execs (most) are seen ending within milliseconds; long ones cost a status
        // call every 250 ms at most.
        auto interval = std::chrono::milliseconds(5);
        for (;;) {
            {
                std::unique_lock lock(mu_);
                if (cv_.wait_for(lock, interval, [&] { return stopping_; })) return;
            }
            interval = std::min(interval * 2, std::chrono::milliseconds(250));
            Json st;
            try {
                st = shim::call(shim_dir(x->container_id), {{"op", "exec_status"}, {"exec", x->id}}, nullptr, 2000);
            } catch (const Error&) {
                return;  // the shim is gone with its container: no status to report
            }
            if (st.value("running", false)) continue;
            int code = st.value("exit_code", -1);
            Container c;
            {
                std::lock_guard lock(mu_);
                x->running = false;
                x->exit_code = code;
                auto ce = containers_.find(x->container_id);
                if (ce == containers_.end()) return;
                c = ce->second->c;
            }
            emit(c, "exec_die", {{"execID", x->id}, {"exitCode", std::to_string(code)}});
            return;
        }
    });
}

Json ContainerManager::exec_inspect(const std::string& exec_id) {
    std::shared_ptr<Exec> x;
    {
        std::lock_guard lock(mu_);
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) throw Error(Errc::not_found, "No such exec instance: " + exec_id);
        x = it->second;
    }
    if (x->running) {
        try {
            auto st = shim::call(shim_dir(x->container_id), {{"op", "exec_status"}, {"exec", x->id}}, nullptr, 2000);
            std::lock_guard lock(mu_);
            x->running = st.value("running", false);
            if (!x->running) x->exit_code = st.value("exit_code", -1);
        } catch (const Error&) {
            std::lock_guard lock(mu_);
            x->running = false;  // the shim is gone with its container
        }
    }
    std::lock_guard lock(mu_);
    auto cmd = json_strings(x->config, "Cmd");
    return {{"ID", x->id},
            {"Running", x->running},
            {"ExitCode", x->exit_code < 0 ? Json(nullptr) : Json(x->exit_code)},
            {"ProcessConfig",
             {{"tty", x->tty},
              {"entrypoint", cmd.empty() ? "" : cmd[0]},
              {"arguments", cmd.empty() ? std::vector<std::string>{} : std::vector<std::string>(cmd.begin() + 1, cmd.end())},
              {"privileged", json_bool(x->config, "Privileged")},
              {"user", json_string(x->config, "User")}}},
            {"OpenStdin", json_bool(x->config, "AttachStdin")},
            {"OpenStderr", json_bool(x->config, "AttachStderr")},
            {"OpenStdout", json_bool(x->config, "AttachStdout")},
            {"CanRemove", false},
            {"ContainerID", x->container_id},
            {"DetachKeys", json_string(x->config, "DetachKeys")},
            {"Pid", x->running ? x->pid : 0}};
}

void ContainerManager::exec_resize(const std::string& exec_id, unsigned height, unsigned width) {
    std::string container;
    {
        std::lock_guard lock(mu_);
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) throw Error(Errc::not_found, "No such exec instance: " + exec_id);
        container = it->second->container_id;
    }
    shim::call(shim_dir(container), {{"op", "resize"}, {"exec", exec_id}, {"height", height}, {"width", width}});
}

}  // namespace berth::engine
