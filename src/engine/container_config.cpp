#include "engine/container_config.hpp"

#include "common/error.hpp"
#include "engine/health_state.hpp"
#include "engine/oci_config.hpp"
#include "shim/json_log.hpp"

namespace berth::engine {

std::vector<std::string> merge_env(const std::vector<std::string>& base, const std::vector<std::string>& over) {
    std::vector<std::string> out = base;
    auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
    for (const auto& e : over) {
        std::string key = key_of(e);
        bool removal = e.find('=') == std::string::npos;
        auto it = std::find_if(out.begin(), out.end(), [&](const std::string& x) { return key_of(x) == key; });
        if (removal) {
            if (it != out.end()) out.erase(it);
            continue;
        }
        if (it != out.end()) *it = e;
        else out.push_back(e);
    }
    return out;
}

Json merge_image_config(const Json& request, const image::RunConfig& img) {
    Json c = request.is_object() ? request : Json::object();
    auto entrypoint = json_strings(c, "Entrypoint");
    bool entry_null = !c.contains("Entrypoint") || c["Entrypoint"].is_null();
    if (entrypoint.empty()) {
        if (json_strings(c, "Cmd").empty()) c["Cmd"] = img.cmd.empty() ? Json(nullptr) : Json(img.cmd);
        if (entry_null) c["Entrypoint"] = img.entrypoint.empty() ? Json(nullptr) : Json(img.entrypoint);
    }
    if (entrypoint.size() == 1 && entrypoint[0].empty()) c["Entrypoint"] = nullptr;
    c["Env"] = merge_env(img.env, json_strings(c, "Env"));
    if (json_string(c, "WorkingDir").empty()) c["WorkingDir"] = img.working_dir;
    if (json_string(c, "User").empty()) c["User"] = img.user;
    Json labels = Json::object();
    for (const auto& [k, v] : img.labels) labels[k] = v;
    if (c.contains("Labels") && c["Labels"].is_object()) {
        for (const auto& [k, v] : c["Labels"].items()) labels[k] = v;
    }
    c["Labels"] = labels;
    if (json_string(c, "StopSignal").empty() && !img.stop_signal.empty()) c["StopSignal"] = img.stop_signal;
    if (img.healthcheck) {
        // moby's merge: the image's Healthcheck fills what the request left empty, field by
        // field, so `--health-interval 1s` keeps the image's test.
        const auto& h = *img.healthcheck;
        Json hc = c.contains("Healthcheck") && c["Healthcheck"].is_object() ? c["Healthcheck"] : Json::object();
        if (json_strings(hc, "Test").empty()) hc["Test"] = h.test;
        for (auto [key, value] : {std::pair{"Interval", h.interval}, {"Timeout", h.timeout}, {"StartPeriod", h.start_period},
                                  {"StartInterval", h.start_interval}, {"Retries", int64_t{h.retries}}}) {
            if (json_int(hc, key, 0) == 0) hc[key] = value;
        }
        c["Healthcheck"] = hc;
    }
    if ((!c.contains("ExposedPorts") || c["ExposedPorts"].is_null()) && !img.exposed_ports.empty()) {
        for (const auto& p : img.exposed_ports) c["ExposedPorts"][p] = Json::object();
    }
    if ((!c.contains("Volumes") || c["Volumes"].is_null()) && !img.volumes.empty()) {
        for (const auto& v : img.volumes) c["Volumes"][v] = Json::object();
    }
    for (const char* key : {"Hostname", "Domainname", "User", "WorkingDir"}) {
        if (!c.contains(key) || c[key].is_null()) c[key] = "";
    }
    for (const char* key : {"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce"}) {
        if (!c.contains(key) || c[key].is_null()) c[key] = false;
    }
    return c;
}

std::pair<std::string, std::vector<std::string>> command_of(const Json& c) {
    auto entrypoint = json_strings(c, "Entrypoint");
    auto cmd = json_strings(c, "Cmd");
    std::vector<std::string> all = entrypoint;
    all.insert(all.end(), cmd.begin(), cmd.end());
    if (all.empty()) return {"", {}};
    return {all[0], std::vector<std::string>(all.begin() + 1, all.end())};
}

namespace {

// HostConfig.LogConfig.Config: checked at create, because at start a bad option would only
// show as a failed start (dockerd's ValidateLogOpts does the same).
void validate_log_config(const Json& log_config) {
    if (log_config.contains("Type") && log_config["Type"].is_string()) {
        const std::string& type = log_config["Type"].get_ref<const std::string&>();
        if (!type.empty() && type != "json-file") return;  // refused by create itself
    }
    if (!log_config.contains("Config") || log_config["Config"].is_null()) return;
    const Json& opts = log_config["Config"];
    if (!opts.is_object()) {
        throw Error(Errc::invalid_argument, "json: cannot unmarshal " + std::string(json_type_name(opts)) +
                                                " into Go struct field LogConfig.HostConfig.LogConfig.Config of type map[string]string");
    }
    for (const auto& [key, value] : opts.items()) {
        if (!value.is_string()) {
            throw Error(Errc::invalid_argument, "json: cannot unmarshal " + std::string(json_type_name(value)) +
                                                    " into Go struct field LogConfig.HostConfig.LogConfig.Config of type string (option " +
                                                    key + ")");
        }
        const std::string& v = value.get_ref<const std::string&>();
        if (key == "max-size") {
            (void)shim::parse_log_size(v);
        } else if (key == "max-file") {
            if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1) {
                throw Error(Errc::invalid_argument, "invalid value for log option max-file: \"" + v + "\": must be a positive integer");
            }
        } else if (key != "compress" && key != "labels" && key != "labels-regex" && key != "env" && key != "env-regex" && key != "tag") {
            throw Error(Errc::invalid_argument, "unknown log opt '" + key + "' for json-file log driver");
        }
    }
}

}  // namespace

void validate_create_request(const Json& body) {
    if (!body.is_object()) throw Error(Errc::invalid_argument, "invalid JSON: expected an object");
    auto check = [](const Json& obj, const std::string& where, const char* key, const char* type) {
        if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return;
        const Json& v = obj[key];
        std::string t = type;
        bool ok = (t == "string" && v.is_string()) || (t == "bool" && v.is_boolean()) ||
                  (t == "int" && v.is_number_integer()) || (t == "object" && v.is_object()) ||
                  (t == "strings" && (v.is_string() || (v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_string(); })))) ||
                  (t == "array" && v.is_array());
        if (!ok) {
            throw Error(Errc::invalid_argument, "json: cannot unmarshal " + std::string(json_type_name(v)) + " into Go struct field " +
                                                    where + key + " of type " + t);
        }
    };
    for (auto [k, t] : {std::pair{"Image", "string"}, {"Hostname", "string"}, {"Domainname", "string"}, {"User", "string"},
                        {"WorkingDir", "string"}, {"StopSignal", "string"}, {"Tty", "bool"}, {"OpenStdin", "bool"},
                        {"StdinOnce", "bool"}, {"AttachStdin", "bool"}, {"AttachStdout", "bool"}, {"AttachStderr", "bool"},
                        {"Env", "strings"}, {"Cmd", "strings"}, {"Entrypoint", "strings"}, {"Labels", "object"},
                        {"StopTimeout", "int"}, {"Healthcheck", "object"}, {"HostConfig", "object"}}) {
        check(body, "ContainerConfig.", k, t);
    }
    if (body.contains("Healthcheck")) {
        for (const char* k : {"Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"}) {
            check(body["Healthcheck"], "HealthConfig.", k, "int");
        }
        check(body["Healthcheck"], "HealthConfig.", "Test", "strings");
        validate_healthcheck(body["Healthcheck"]);
    }
    if (!body.contains("HostConfig")) return;
    const Json& hc = body["HostConfig"];
    for (auto [k, t] : {std::pair{"Privileged", "bool"}, {"ReadonlyRootfs", "bool"}, {"AutoRemove", "bool"}, {"Init", "bool"},
                        {"Memory", "int"}, {"MemorySwap", "int"}, {"MemoryReservation", "int"}, {"NanoCpus", "int"},
                        {"CpuShares", "int"}, {"CpuQuota", "int"}, {"CpuPeriod", "int"}, {"PidsLimit", "int"},
                        {"OomScoreAdj", "int"}, {"ShmSize", "int"}, {"BlkioWeight", "int"}, {"CpusetCpus", "string"},
                        {"CpusetMems", "string"}, {"NetworkMode", "string"}, {"CapAdd", "strings"}, {"CapDrop", "strings"},
                        {"SecurityOpt", "strings"}, {"Ulimits", "array"}, {"Devices", "array"}, {"Tmpfs", "object"},
                        {"Sysctls", "object"}, {"RestartPolicy", "object"}, {"LogConfig", "object"}, {"Binds", "strings"},
                        {"GroupAdd", "strings"}, {"Runtime", "string"}}) {
        check(hc, "HostConfig.", k, t);
    }
    if (hc.is_object() && hc.contains("LogConfig") && hc["LogConfig"].is_object()) validate_log_config(hc["LogConfig"]);
}

}  // namespace berth::engine
