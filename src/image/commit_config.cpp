#include "image/commit_config.hpp"

#include <algorithm>

#include "image/archive_import.hpp"
#include "image/manifest.hpp"

namespace berth::image {

namespace {

// Go's len(x) == 0 for the JSON a field may hold: absent, null, "", [] and {}.
bool unset(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (it->is_string() || it->is_array() || it->is_object()) return it->empty();
    return false;
}

std::string env_key(const std::string& entry) {
    return entry.substr(0, entry.find('='));
}

void merge_healthcheck(Json& user, const Json& container) {
    if (unset(container, "Healthcheck")) return;
    const Json& image = container["Healthcheck"];
    if (unset(user, "Healthcheck")) {
        user["Healthcheck"] = image;
        return;
    }
    Json& h = user["Healthcheck"];
    if (unset(h, "Test") && image.contains("Test")) h["Test"] = image["Test"];
    for (const char* k : {"Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"}) {
        if (h.value(k, Json(0)) == Json(0) && image.contains(k)) h[k] = image[k];
    }
}

}  // namespace

Json merge_commit_config(Json user, const Json& c) {
    if (!user.is_object()) user = Json::object();
    if (!c.is_object()) return user;
    if (unset(user, "User") && c.contains("User")) user["User"] = c["User"];

    if (unset(user, "ExposedPorts")) {
        if (c.contains("ExposedPorts")) user["ExposedPorts"] = c["ExposedPorts"];
    } else if (!unset(c, "ExposedPorts")) {
        for (const auto& [port, v] : c["ExposedPorts"].items()) {
            if (!user["ExposedPorts"].contains(port)) user["ExposedPorts"][port] = v;
        }
    }

    if (unset(user, "Env")) {
        if (c.contains("Env")) user["Env"] = c["Env"];
    } else if (!unset(c, "Env")) {
        Json& env = user["Env"];
        for (const auto& e : c["Env"]) {
            std::string key = env_key(e.get<std::string>());
            bool found = std::any_of(env.begin(), env.end(), [&](const Json& u) {
                return u.is_string() && env_key(u.get<std::string>()) == key;
            });
            if (!found) env.push_back(e);
        }
    }

    // Docker always leaves a map here ({} rather than null).
    if (!user.contains("Labels") || !user["Labels"].is_object()) user["Labels"] = Json::object();
    if (!unset(c, "Labels")) {
        for (const auto& [k, v] : c["Labels"].items()) {
            if (!user["Labels"].contains(k)) user["Labels"][k] = v;
        }
    }

    if (unset(user, "Entrypoint")) {
        if (unset(user, "Cmd")) {
            user["Cmd"] = c.value("Cmd", Json(nullptr));
            if (c.contains("ArgsEscaped"))
                user["ArgsEscaped"] = c["ArgsEscaped"];
            else
                user.erase("ArgsEscaped");
        }
        // Only a nil Entrypoint is inherited: an explicit [] means "none".
        if (!user.contains("Entrypoint") || user["Entrypoint"].is_null()) {
            user["Entrypoint"] = c.value("Entrypoint", Json(nullptr));
        }
    }
    merge_healthcheck(user, c);

    if (unset(user, "WorkingDir") && c.contains("WorkingDir")) user["WorkingDir"] = c["WorkingDir"];
    if (unset(user, "Volumes")) {
        if (c.contains("Volumes")) user["Volumes"] = c["Volumes"];
    } else if (!unset(c, "Volumes")) {
        for (const auto& [k, v] : c["Volumes"].items()) user["Volumes"][k] = v;
    }
    if (unset(user, "StopSignal") && c.contains("StopSignal")) user["StopSignal"] = c["StopSignal"];
    return user;
}

Json apply_changes_to_config(Json config, const std::vector<std::string>& changes) {
    if (!config.is_object()) config = Json::object();
    RunConfig before = parse_run_config(JsonReader(config, "container config"));
    RunConfig after = before;
    apply_changes(after, changes);
    Json was = run_config_to_json(before);
    Json now = run_config_to_json(after);
    for (const auto& [key, value] : now.items()) {
        if (was.value(key, Json(nullptr)) != value) config[key] = value;
    }
    return config;
}

const Digest& empty_layer_diff_id() {
    static const Digest d = Digest::sha256_of(std::string(1024, '\0'));
    return d;
}

Json child_image_config(const Json& parent, const ChildImage& child) {
    const Json p = parent.is_object() ? parent : Json::object();
    Platform host = child.platform.normalized();
    Json out = Json::object();
    out["architecture"] = p.value("architecture", "").empty()
                              ? host.architecture
                              : p["architecture"].get<std::string>();
    if (p.contains("variant"))
        out["variant"] = p["variant"];
    else if (!p.contains("architecture") && !host.variant.empty())
        out["variant"] = host.variant;
    out["os"] = p.value("os", "").empty() ? std::string("linux") : p["os"].get<std::string>();
    if (p.contains("os.version")) out["os.version"] = p["os.version"];
    if (p.contains("os.features")) out["os.features"] = p["os.features"];
    out["config"] = child.config;
    out["container"] = child.container_id;
    out["container_config"] = child.container_config;
    out["created"] = child.created;
    if (!child.author.empty()) out["author"] = child.author;

    Json diff_ids = Json::array();
    if (p.contains("rootfs") && p["rootfs"].is_object()) {
        diff_ids = p["rootfs"].value("diff_ids", Json::array());
    }
    if (child.diff_id) diff_ids.push_back(child.diff_id->str());
    out["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};

    std::string created_by;
    for (const auto& arg : child.container_config.value("Cmd", Json::array())) {
        if (!arg.is_string()) continue;
        if (!created_by.empty()) created_by += ' ';
        created_by += arg.get<std::string>();
    }
    Json entry = {{"created", child.created}, {"created_by", created_by}};
    if (!child.author.empty()) entry["author"] = child.author;
    if (!child.comment.empty()) entry["comment"] = child.comment;
    if (!child.diff_id) entry["empty_layer"] = true;
    Json history = p.value("history", Json::array());
    if (!history.is_array()) history = Json::array();
    history.push_back(entry);
    out["history"] = history;
    return out;
}

}  // namespace berth::image
