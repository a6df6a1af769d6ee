#include "engine/container_config.hpp"
#include "engine/log_attrs.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/error.hpp"
#include "engine/etc_files.hpp"
#include "engine/health_state.hpp"
#include "engine/namespace_modes.hpp"
#include "engine/oci_config.hpp"
#include "shim/json_log.hpp"
#include "volume/mount_spec.hpp"

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

// As moby's merge (daemon/commit.go): the request's entries as given, bare names ("Foo",
// which only unset at run time) included, then the image's entries whose name the request
// does not set. The process env is derived from this later (process_env), as dockerd does.
std::vector<std::string> merge_config_env(const std::vector<std::string>& user, const std::vector<std::string>& image) {
    if (user.empty()) return image;
    auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
    std::vector<std::string> out = user;
    for (const auto& ie : image) {
        std::string key = key_of(ie);
        bool found = std::any_of(user.begin(), user.end(), [&](const std::string& u) { return key_of(u) == key; });
        if (!found) out.push_back(ie);
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
    c["Env"] = merge_config_env(json_strings(c, "Env"), img.env);
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

// encoding/json's words for a JSON value: "number", "string", "bool", "array", "object".
std::string go_json_kind(const Json& v) {
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "bool";
    return json_type_name(v);
}

// HostConfig.LogConfig.Config: checked at create, because at start a bad option would only
// show as a failed start (dockerd's ValidateLogOpts does the same).
void validate_log_config(const Json& log_config) {
    if (log_config.contains("Type") && log_config["Type"].is_string()) {
        const std::string& type = log_config["Type"].get_ref<const std::string&>();
        // none takes any option and ignores it, as moby's ValidateLogOpts; other drivers are
        // refused by create itself.
        if (!type.empty() && type != "json-file") return;
    }
    if (!log_config.contains("Config") || log_config["Config"].is_null()) return;
    const Json& opts = log_config["Config"];
    if (!opts.is_object()) {
        throw Error(Errc::invalid_argument, "json: cannot unmarshal " + go_json_kind(opts) +
                                                " into Go struct field LogConfig.HostConfig.LogConfig.Config of type map[string]string");
    }
    for (const auto& [key, value] : opts.items()) {
        if (!value.is_string()) {
            throw Error(Errc::invalid_argument, "json: cannot unmarshal " + go_json_kind(value) +
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
    // The attribute regexes compile now, not at the first start.
    (void)log_attributes_json(opts, Json::object());
}

}  // namespace

namespace {

// The Go type a member must decode into, and whether `v` does.
enum class Kind { string, boolean, integer, object, strings, array, string_map, integers };

const char* go_type(Kind k) {
    switch (k) {
        case Kind::string: return "string";
        case Kind::boolean: return "bool";
        case Kind::integer: return "int64";
        case Kind::object: return "struct";
        case Kind::strings: return "[]string";
        case Kind::array: return "[]struct";
        case Kind::string_map: return "map[string]string";
        case Kind::integers: return "[]int";
    }
    return "value";
}

// "0-3,5": what the cpuset controller takes (moby's parsers.ParseUintList syntax).
bool valid_cpuset(const std::string& list) {
    if (list.empty()) return true;
    size_t i = 0;
    while (i <= list.size()) {
        size_t end = list.find(',', i);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(i, end - i);
        size_t dash = item.find('-');
        std::string lo = item.substr(0, dash), hi = dash == std::string::npos ? lo : item.substr(dash + 1);
        auto digits = [](const std::string& x) { return !x.empty() && x.size() < 6 && x.find_first_not_of("0123456789") == std::string::npos; };
        if (!digits(lo) || !digits(hi) || std::stoi(lo) > std::stoi(hi)) return false;
        i = end + 1;
    }
    return true;
}

[[noreturn]] void wrong_type(const Json& v, const std::string& field, const char* type) {
    throw Error(Errc::invalid_argument, "json: cannot unmarshal " + go_json_kind(v) + " into Go struct field " + field + " of type " + type);
}

// dockerd answers a body that does not decode with encoding/json's message, which names the
// field (`json: cannot unmarshal number into Go struct field ContainerConfig.Cmd of type
// []string`); the same here, before anything is created.
void check(const Json& obj, const std::string& where, const char* key, Kind kind) {
    if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return;
    const Json& v = obj[key];
    std::string field = where + key;
    auto each = [&](auto&& ok, const char* element_type) {
        for (const auto& x : v) {
            if (!ok(x)) wrong_type(x, field, element_type);
        }
    };
    switch (kind) {
        case Kind::string:
            if (!v.is_string()) wrong_type(v, field, go_type(kind));
            break;
        case Kind::boolean:
            if (!v.is_boolean()) wrong_type(v, field, go_type(kind));
            break;
        case Kind::integer:
            if (!v.is_number_integer()) wrong_type(v, field, go_type(kind));
            break;
        case Kind::object:
            if (!v.is_object()) wrong_type(v, field, go_type(kind));
            break;
        case Kind::strings:  // Docker's StrSlice also takes a single string
            if (v.is_string()) break;
            if (!v.is_array()) wrong_type(v, field, go_type(kind));
            each([](const Json& x) { return x.is_string(); }, "string");
            break;
        case Kind::array:
            if (!v.is_array()) wrong_type(v, field, go_type(kind));
            each([](const Json& x) { return x.is_object(); }, "struct");
            break;
        case Kind::string_map:
            if (!v.is_object()) wrong_type(v, field, go_type(kind));
            each([](const Json& x) { return x.is_string(); }, "string");
            break;
        case Kind::integers:
            if (!v.is_array()) wrong_type(v, field, go_type(kind));
            each([](const Json& x) { return x.is_number_integer() && x.get<int64_t>() >= 0; }, "uint");
            break;
    }
}

}  // namespace

// BlkioWeightDevice ([{Path, Weight}]) and the throttle lists ([{Path, Rate}]), typed as
// encoding/json reports them ("WeightDevice.HostConfig.BlkioWeightDevice.Weight").
static void check_blkio_devices(const Json& r, const std::string& where) {
    using K = Kind;
    const std::pair<const char*, const char*> lists[] = {{"BlkioWeightDevice", "WeightDevice."},
                                                         {"BlkioDeviceReadBps", "ThrottleDevice."},
                                                         {"BlkioDeviceWriteBps", "ThrottleDevice."},
                                                         {"BlkioDeviceReadIOps", "ThrottleDevice."},
                                                         {"BlkioDeviceWriteIOps", "ThrottleDevice."}};
    for (auto [key, type] : lists) {
        check(r, where, key, K::array);
        if (!r.is_object() || !r.contains(key) || !r[key].is_array()) continue;
        std::string prefix = std::string(type) + where + key + ".";
        bool weight = std::string(key) == "BlkioWeightDevice";
        for (const auto& d : r[key]) {
            if (!d.is_object()) wrong_type(d, where + key, weight ? "container.WeightDevice" : "container.ThrottleDevice");
            check(d, prefix, "Path", K::string);
            // Weight is a uint16, Rate a uint64: a string, a fraction or a negative does not
            // decode (Go says "number -1" for the last two).
            const char* n = weight ? "Weight" : "Rate";
            if (!d.contains(n) || d[n].is_null()) continue;
            const Json& v = d[n];
            bool fits = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
            if (fits && weight) fits = v.get<uint64_t>() <= 65535;
            if (!fits) wrong_type(v, prefix + n, weight ? "uint16" : "uint64");
        }
    }
}

void validate_create_request(const Json& body) {
    if (!body.is_object()) throw Error(Errc::invalid_argument, "invalid JSON: expected an object");
    using K = Kind;
    for (auto [k, t] : {std::pair{"Image", K::string}, {"Hostname", K::string}, {"Domainname", K::string}, {"User", K::string},
                        {"WorkingDir", K::string}, {"StopSignal", K::string}, {"Tty", K::boolean}, {"OpenStdin", K::boolean},
                        {"StdinOnce", K::boolean}, {"AttachStdin", K::boolean}, {"AttachStdout", K::boolean},
                        {"AttachStderr", K::boolean}, {"Env", K::strings}, {"Cmd", K::strings}, {"Entrypoint", K::strings},
                        {"Labels", K::string_map}, {"StopTimeout", K::integer}, {"Healthcheck", K::object},
                        {"ExposedPorts", K::object}, {"Volumes", K::object}, {"HostConfig", K::object},
                        {"NetworkingConfig", K::object}}) {
        check(body, "ContainerConfig.", k, t);
    }
    if (body.contains("Healthcheck")) {
        const Json& h = body["Healthcheck"];
        for (auto [k, t] : {std::pair{"Test", K::strings}, {"Interval", K::integer}, {"Timeout", K::integer},
                            {"StartPeriod", K::integer}, {"StartInterval", K::integer}, {"Retries", K::integer}}) {
            check(h, "HealthConfig.Config.Healthcheck.", k, t);
        }
        validate_healthcheck(h);
    }
    if (!body.contains("HostConfig")) return;
    const Json& hc = body["HostConfig"];
    for (auto [k, t] : {std::pair{"Privileged", K::boolean}, {"ReadonlyRootfs", K::boolean}, {"AutoRemove", K::boolean},
                        {"Init", K::boolean}, {"Memory", K::integer}, {"MemorySwap", K::integer},
                        {"MemoryReservation", K::integer}, {"MemorySwappiness", K::integer}, {"NanoCpus", K::integer},
                        {"CpuShares", K::integer}, {"CpuQuota", K::integer}, {"CpuPeriod", K::integer},
                        {"PidsLimit", K::integer}, {"OomScoreAdj", K::integer}, {"ShmSize", K::integer},
                        {"BlkioWeight", K::integer}, {"CpusetCpus", K::string}, {"CpusetMems", K::string},
                        {"NetworkMode", K::string}, {"CapAdd", K::strings}, {"CapDrop", K::strings},
                        {"SecurityOpt", K::strings}, {"Ulimits", K::array}, {"Devices", K::array}, {"Mounts", K::array},
                        {"Tmpfs", K::string_map}, {"Sysctls", K::string_map}, {"RestartPolicy", K::object},
                        {"LogConfig", K::object}, {"PortBindings", K::object}, {"Binds", K::strings},
                        {"GroupAdd", K::strings}, {"ConsoleSize", K::integers}, {"Runtime", K::string},
                        {"ExtraHosts", K::strings}, {"Dns", K::strings}, {"DnsSearch", K::strings},
                        {"DnsOptions", K::strings}, {"PidMode", K::string}, {"IpcMode", K::string},
                        {"UTSMode", K::string}, {"CgroupnsMode", K::string}, {"StorageOpt", K::string_map}}) {
        check(hc, "HostConfig.", k, t);
    }
    check_namespace_modes(body, hc);
    check_blkio_devices(hc, "HostConfig.");
    // overlay2's size option needs xfs with project quotas; dockerd refuses it everywhere else
    // with these words, and berth has no quota support at all.
    if (hc.contains("StorageOpt") && hc["StorageOpt"].is_object() && !hc["StorageOpt"].empty())
        throw Error(Errc::invalid_argument, "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    // Checked here so a bad entry is a 400 at create, not a failed start.
    if (hc.contains("ExtraHosts") && hc["ExtraHosts"].is_array()) {
        for (const auto& h : hc["ExtraHosts"]) parse_extra_host(h.get<std::string>());
    }
    if (hc.contains("Dns") && hc["Dns"].is_array()) {
        for (const auto& d : hc["Dns"]) check_dns_server(d.get<std::string>());
    }
    // Binds and Mounts as moby's parser checks them at create (a --mount bind source must
    // exist); volumes are refused until there is a volume driver. Nothing is created here.
    volume::container_mounts(hc, true);
    if (hc.contains("RestartPolicy")) {
        check(hc["RestartPolicy"], "RestartPolicy.HostConfig.RestartPolicy.", "Name", K::string);
        check(hc["RestartPolicy"], "RestartPolicy.HostConfig.RestartPolicy.", "MaximumRetryCount", K::integer);
    }
    if (hc.contains("LogConfig")) check(hc["LogConfig"], "LogConfig.HostConfig.LogConfig.", "Type", K::string);
    if (hc.contains("Ulimits") && hc["Ulimits"].is_array()) {
        for (const auto& u : hc["Ulimits"]) {
            check(u, "Ulimit.HostConfig.Ulimits.", "Name", K::string);
            check(u, "Ulimit.HostConfig.Ulimits.", "Soft", K::integer);
            check(u, "Ulimit.HostConfig.Ulimits.", "Hard", K::integer);
        }
    }
    if (hc.contains("Devices") && hc["Devices"].is_array()) {
        for (const auto& d : hc["Devices"]) {
            for (const char* k : {"PathOnHost", "PathInContainer", "CgroupPermissions"}) check(d, "DeviceMapping.HostConfig.Devices.", k, K::string);
        }
    }
    for (const char* k : {"CpusetCpus", "CpusetMems"}) {
        if (hc.contains(k) && hc[k].is_string() && !valid_cpuset(hc[k].get_ref<const std::string&>())) {
            throw Error(Errc::invalid_argument, std::string("Invalid value ") + hc[k].get<std::string>() + " for cpuset " +
                                                    (k == std::string("CpusetCpus") ? "cpus" : "mems"));
        }
    }
    if (hc.is_object() && hc.contains("LogConfig") && hc["LogConfig"].is_object()) validate_log_config(hc["LogConfig"]);
}

void validate_update_request(const Json& body) {
    using K = Kind;
    for (auto [k, t] : {std::pair{"Memory", K::integer}, {"MemorySwap", K::integer}, {"MemoryReservation", K::integer},
                        {"MemorySwappiness", K::integer}, {"NanoCpus", K::integer}, {"CpuShares", K::integer},
                        {"CpuQuota", K::integer}, {"CpuPeriod", K::integer}, {"PidsLimit", K::integer},
                        {"BlkioWeight", K::integer}, {"CpusetCpus", K::string}, {"CpusetMems", K::string},
                        {"RestartPolicy", K::object}}) {
        check(body, "UpdateConfig.", k, t);
    }
    check_blkio_devices(body, "UpdateConfig.");
    if (body.contains("RestartPolicy")) {
        check(body["RestartPolicy"], "UpdateConfig.RestartPolicy.", "Name", K::string);
        check(body["RestartPolicy"], "UpdateConfig.RestartPolicy.", "MaximumRetryCount", K::integer);
    }
}

Error unsupported_log_driver(const std::string& type) {
    // Drivers dockerd has built in, which berth does not: berth's own words.
    static const char* const kDockerDrivers[] = {"local",  "syslog",     "journald",   "gelf",
                                                 "fluentd", "awslogs",   "splunk",     "etwlogs",
                                                 "gcplogs", "logentries"};
    for (const char* d : kDockerDrivers)
        if (type == d) return Error(Errc::invalid_argument, "logging driver \"" + type + "\" is not supported; use json-file or none");
    // Any other name dockerd looks up as a plugin; clients match on its words.
    return Error(Errc::invalid_argument, "error looking up logging plugin " + type + ": plugin \"" + type + "\" not found");
}

void validate_log_driver(const std::string& type, const std::map<std::string, std::string>& options) {
    if (type != "json-file" && type != "none") throw unsupported_log_driver(type);
    validate_log_config({{"Type", type}, {"Config", options}});
}

void check_dns_server(const std::string& ip) {
    unsigned char buf[sizeof(in6_addr)];
    if (::inet_pton(AF_INET, ip.c_str(), buf) != 1 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1) {
        throw Error(Errc::invalid_argument, "IP address is not correctly formatted: " + ip);
    }
}

}  // namespace berth::engine
