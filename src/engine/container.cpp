#include "engine/container.hpp"

namespace berth::engine {

Json Container::to_json() const {
    return {{"id", id},
            {"name", name},
            {"created", created},
            {"image", image},
            {"image_id", image_id},
            {"top_layer", top_layer},
            {"path", path},
            {"args", args},
            {"config", config},
            {"host_config", host_config},
            {"state",
             {{"status", state.status},
              {"pid", state.pid},
              {"exit_code", state.exit_code},
              {"error", state.error},
              {"started_at", state.started_at},
              {"finished_at", state.finished_at},
              {"oom_killed", state.oom_killed},
              {"health", state.health},
              {"failing_streak", state.failing_streak},
              {"health_log", state.health_log}}},
            {"restart_count", restart_count},
            {"manually_stopped", manually_stopped},
            {"has_been_started", has_been_started},
            {"shim_pid", shim_pid},
            {"shim_start", shim_start},
            {"log_path", log_path},
            {"read_only_binds_non_recursive", read_only_binds_non_recursive}};
}

Container Container::from_json(const Json& j) {
    Container c;
    c.id = j.value("id", "");
    c.name = j.value("name", "");
    c.created = j.value("created", "");
    c.image = j.value("image", "");
    c.image_id = j.value("image_id", "");
    c.top_layer = j.value("top_layer", "");
    c.path = j.value("path", "");
    c.args = j.value("args", std::vector<std::string>{});
    c.config = j.value("config", Json::object());
    c.host_config = j.value("host_config", Json::object());
    const Json& s = j.contains("state") ? j["state"] : Json::object();
    c.state.status = s.value("status", "created");
    c.state.pid = s.value("pid", 0);
    c.state.exit_code = s.value("exit_code", 0);
    c.state.error = s.value("error", "");
    c.state.started_at = s.value("started_at", kZeroTime);
    c.state.finished_at = s.value("finished_at", kZeroTime);
    c.state.oom_killed = s.value("oom_killed", false);
    c.state.health = s.value("health", "");
    c.state.failing_streak = s.value("failing_streak", 0);
    c.state.health_log = s.value("health_log", Json::array());
    c.restart_count = j.value("restart_count", 0);
    c.manually_stopped = j.value("manually_stopped", false);
    c.has_been_started = j.value("has_been_started", false);
    c.shim_pid = j.value("shim_pid", 0);
    c.shim_start = j.value("shim_start", 0ULL);
    c.log_path = j.value("log_path", "");
    c.read_only_binds_non_recursive = j.value("read_only_binds_non_recursive", false);
    return c;
}

}  // namespace berth::engine
