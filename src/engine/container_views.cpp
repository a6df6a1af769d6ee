// inspect (ContainerInspectResponse) and list (ContainerSummary).
#include <algorithm>
#include <chrono>
#include <map>

#include "common/error.hpp"
#include "engine/container_size.hpp"
#include "engine/container_status_text.hpp"
#include "engine/health_state.hpp"
#include "engine/log_reader.hpp"
#include "engine/manager_internal.hpp"
#include "engine/namespace_modes.hpp"
#include "engine/oci_config.hpp"
#include "image/image_service.hpp"
#include "image/digest.hpp"
#include "storage/snapshotter.hpp"
#include "volume/mount_spec.hpp"

namespace berth::engine {

namespace {

// moby's "volume" filter: a mount's name (a bind's source) or its destination.
bool mounts_match(const Json& host_config, const std::vector<std::string>& values) {
    for (const auto& m : volume::container_mounts(host_config, false)) {
        for (const auto& v : values) {
            if (v == m.destination || v == m.source) return true;
        }
    }
    return false;
}

// moby's "expose" filter: "80", "80/tcp" or a range "8000-8080/tcp" against ExposedPorts.
bool exposes(const Json& config, const std::string& value) {
    if (!config.is_object() || !config.contains("ExposedPorts") || !config["ExposedPorts"].is_object()) return false;
    std::string proto = "tcp", ports = value;
    if (auto slash = value.find('/'); slash != std::string::npos) {
        proto = value.substr(slash + 1);
        ports = value.substr(0, slash);
    }
    long lo = 0, hi = 0;
    try {
        auto dash = ports.find('-');
        lo = std::stol(ports.substr(0, dash));
        hi = dash == std::string::npos ? lo : std::stol(ports.substr(dash + 1));
    } catch (const std::exception&) {
        return false;
    }
    for (const auto& [key, _] : config["ExposedPorts"].items()) {
        auto slash = key.find('/');
        std::string p = key.substr(slash == std::string::npos ? key.size() : slash + 1);
        if ((p.empty() ? "tcp" : p) != proto) continue;
        try {
            long port = std::stol(key.substr(0, slash));
            if (port >= lo && port <= hi) return true;
        } catch (const std::exception&) {
        }
    }
    return false;
}

int64_t created_unix(const std::string& rfc) {
    int64_t ns = parse_rfc3339_ns(rfc);
    return ns < 0 ? 0 : ns / 1000000000LL;
}

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// .Mounts: the user's binds and tmpfs mounts. The record was checked at create; one that no
// longer parses (written by an older berthd) shows none rather than failing inspect.
Json inspect_mounts(const Json& host_config) {
    Json out = Json::array();
    try {
        for (const auto& m : volume::container_mounts(host_config, false)) out.push_back(volume::inspect_json(m));
    } catch (const Error&) {
    }
    return out;
}

}  // namespace

Json health_json(const ContainerState& s) {
    return {{"Status", s.health}, {"FailingStreak", s.failing_streak}, {"Log", s.health_log}};
}

Json ContainerManager::inspect(const std::string& key, bool size) {
    auto e = find(key);
    Container c;
    {
        std::lock_guard lock(mu_);
        c = e->c;
    }
    std::string dir = container_dir(c.id);
    const auto& s = c.state;
    Json state = {{"Status", s.status},
                  {"Running", s.running()},
                  {"Paused", s.status == "paused"},
                  {"Restarting", s.status == "restarting"},
                  {"OOMKilled", s.oom_killed},
                  {"Dead", s.status == "dead"},
                  {"Pid", s.running() ? s.pid : 0},
                  {"ExitCode", s.exit_code},
                  {"Error", s.error},
                  {"StartedAt", s.started_at},
                  {"FinishedAt", s.finished_at}};
    if (!s.health.empty()) state["Health"] = health_json(s);
    std::vector<std::string> lowers;
    std::optional<image::Digest> top;
    if (!c.top_layer.empty()) top = image::Digest::parse(c.top_layer);
    auto snap = options_.snapshotter->get(c.id, top, dir);
    std::string lower_text;
    for (const auto& l : snap.lowers) lower_text += (lower_text.empty() ? "" : ":") + l;
    Json config = c.config;
    std::string network_mode = json_string(c.host_config, "NetworkMode", "bridge");
    Json j = {{"Id", c.id},
              {"Created", c.created},
              {"Path", c.path},
              {"Args", c.args},
              {"State", state},
              {"Image", c.image_id},
              {"ResolvConfPath", dir + "/resolv.conf"},
              {"HostnamePath", dir + "/hostname"},
              {"HostsPath", dir + "/hosts"},
              {"LogPath", c.log_path},
              {"Name", c.name},
              {"RestartCount", c.restart_count},
              {"Driver", "overlay2"},
              {"Platform", "linux"},
              {"MountLabel", ""},
              {"ProcessLabel", ""},
              {"AppArmorProfile", ""},
              {"ExecIDs", nullptr},
              {"HostConfig", c.host_config},
              {"GraphDriver",
               {{"Name", "overlay2"},
                {"Data",
                 {{"LowerDir", lower_text},
                  {"MergedDir", snap.rootfs},
                  {"UpperDir", snap.upper},
                  {"WorkDir", snap.work}}}}},
              {"Mounts", inspect_mounts(c.host_config)},
              {"Config", config},
              {"NetworkSettings",
               {{"Bridge", ""},
                {"SandboxID", ""},
                {"SandboxKey", ""},
                {"Ports", Json::object()},
                {"Gateway", ""},
                {"IPAddress", ""},
                {"IPPrefixLen", 0},
                {"MacAddress", ""},
                {"Networks", {{network_mode, {{"NetworkID", ""}, {"EndpointID", ""}, {"Gateway", ""}, {"IPAddress", ""},
                                              {"IPPrefixLen", 0}, {"MacAddress", ""}}}}}}}};
    {
        std::lock_guard lock(mu_);
        Json ids = Json::array();
        for (auto& [id, x] : execs_) {
            if (x->container_id == c.id) ids.push_back(id);
        }
        if (!ids.empty()) j["ExecIDs"] = ids;
    }
    if (size) {
        auto sz = container_size(snap, *options_.image_store, c.image_id);
        j["SizeRw"] = sz.rw;
        j["SizeRootFs"] = sz.root_fs;
    }
    return j;
}

std::vector<Json> ContainerManager::list(const ListOptions& o) {
    std::vector<Container> all;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, e] : containers_) all.push_back(e->c);
    }
    std::sort(all.begin(), all.end(), [](const Container& a, const Container& b) { return a.created > b.created; });
    // As moby's list: the name the container was created with, unless it no longer names the
    // container's image (untagged, or retagged to another): then the image id. One lookup
    // per distinct name, not per container.
    std::map<std::string, std::string> resolved;  // name -> image id it names now ("" if none)
    auto shown_image = [&](const Container& c) -> std::string {
        if (c.image == c.image_id || !options_.images) return c.image;
        auto [it, fresh] = resolved.try_emplace(c.image);
        if (fresh) {
            try {
                it->second = options_.images->resolve(c.image).str();
            } catch (const Error&) {
            }
        }
        return it->second == c.image_id ? c.image : c.image_id;
    };
    for (const auto& [key, values] : o.filters) {
        if (key == "is-task") {
            for (const auto& v : values) {
                if (v != "true" && v != "false" && v != "1" && v != "0")
                    throw Error(Errc::invalid_argument, "Unrecognised filter value for is-task: " + v);
            }
        }
        static const char* known[] = {"status", "name",    "id",      "label",  "exited", "ancestor", "before", "since",
                                      "health", "volume",  "network", "publish", "expose", "is-task", "isolation"};
        if (std::find(std::begin(known), std::end(known), key) == std::end(known)) {
            throw Error(Errc::invalid_argument, "invalid filter '" + key + "'");
        }
    }
    if (auto it = o.filters.find("health"); it != o.filters.end()) {
        for (const auto& v : it->second) {
            if (!is_valid_health_filter(v)) throw Error(Errc::invalid_argument, "Unrecognised filter value for health: " + v);
        }
    }
    auto any_of = [&](const char* key, auto&& pred) {
        auto it = o.filters.find(key);
        if (it == o.filters.end() || it->second.empty()) return true;
        return std::any_of(it->second.begin(), it->second.end(), pred);
    };
    std::vector<Json> out;
    bool show_all = o.all || o.limit > 0 || o.filters.count("status") || o.filters.count("exited");
    for (const auto& c : all) {
        if (!show_all && !c.state.running()) continue;
        if (!any_of("status", [&](const std::string& v) { return v == c.state.status; })) continue;
        if (!any_of("name", [&](const std::string& v) { return c.name.find(v) != std::string::npos; })) continue;
        if (!any_of("id", [&](const std::string& v) { return c.id.rfind(v, 0) == 0; })) continue;
        if (!any_of("exited", [&](const std::string& v) { return c.state.status == "exited" && std::to_string(c.state.exit_code) == v; })) continue;
        if (!any_of("health", [&](const std::string& v) { return v == health_filter_value(c.state); })) continue;
        if (!any_of("ancestor", [&](const std::string& v) { return c.image == v || c.image_id == v || c.image_id.find(v) == 7; })) continue;
        if (o.filters.count("volume") && !mounts_match(c.host_config, o.filters.at("volume"))) continue;
        if (!any_of("network", [&](const std::string& v) { return v == network_mode(c.host_config); })) continue;
        // No published ports before bridge networks exist; no swarm tasks ever; Linux has one isolation.
        if (o.filters.count("publish") && !o.filters.at("publish").empty()) continue;
        if (!any_of("is-task", [&](const std::string& v) { return v != "true" && v != "1"; })) continue;
        if (!any_of("isolation", [&](const std::string& v) { return v == json_string(c.host_config, "Isolation"); })) continue;
        if (!any_of("expose", [&](const std::string& v) { return exposes(c.config, v); })) continue;
        auto labels = c.config.value("Labels", Json::object());
        if (auto it = o.filters.find("label"); it != o.filters.end()) {
            bool ok = std::all_of(it->second.begin(), it->second.end(), [&](const std::string& v) {
                auto eq = v.find('=');
                std::string k = v.substr(0, eq);
                if (!labels.contains(k)) return false;
                return eq == std::string::npos || labels[k] == v.substr(eq + 1);
            });
            if (!ok) continue;
        }
        std::string command = c.path;
        for (const auto& a : c.args) command += " " + a;
        Json summary = {{"Id", c.id},
                        {"Names", {c.name}},
                        {"Image", shown_image(c)},
                        {"ImageID", c.image_id},
                        {"Command", command},
                        {"Created", created_unix(c.created)},
                        {"Ports", Json::array()},
                        {"Labels", labels},
                        {"State", c.state.status},
                        {"Status", container_status_text(c.state, unix_now_ns())},
                        {"HostConfig", {{"NetworkMode", json_string(c.host_config, "NetworkMode", "bridge")}}},
                        {"NetworkSettings", {{"Networks", Json::object()}}},
                        {"Mounts", inspect_mounts(c.host_config)}};
        if (o.size) {
            std::optional<image::Digest> top;
            if (!c.top_layer.empty()) top = image::Digest::parse(c.top_layer);
            auto sz = container_size(options_.snapshotter->get(c.id, top, container_dir(c.id)), *options_.image_store, c.image_id);
            summary["SizeRw"] = sz.rw;
            summary["SizeRootFs"] = sz.root_fs;
        }
        out.push_back(summary);
        if (o.limit > 0 && static_cast<int>(out.size()) >= o.limit) break;
    }
    return out;
}

}  // namespace berth::engine
