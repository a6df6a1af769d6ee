#include "cli/format/stats_row.hpp"

#include <cstdio>

#include "cli/format/display.hpp"
#include "cli/format/units.hpp"

namespace berth::cli {

using tmpl::Json;

namespace {

double num(const Json& j, std::initializer_list<const char*> path) {
    const Json* cur = &j;
    for (const char* key : path) {
        if (!cur->is_object()) return 0;
        auto it = cur->find(key);
        if (it == cur->end()) return 0;
        cur = &*it;
    }
    return cur->is_number() ? cur->get<double>() : 0;
}

std::string percent(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", value);
    return buf;
}

}  // namespace

Json stats_row(const Json& s, const std::string& id, const std::string& name) {
    double cpu_delta = num(s, {"cpu_stats", "cpu_usage", "total_usage"}) -
                       num(s, {"precpu_stats", "cpu_usage", "total_usage"});
    double system_delta =
        num(s, {"cpu_stats", "system_cpu_usage"}) - num(s, {"precpu_stats", "system_cpu_usage"});
    double online = num(s, {"cpu_stats", "online_cpus"});
    if (online == 0 && s.contains("cpu_stats") && s["cpu_stats"].contains("cpu_usage") &&
        s["cpu_stats"]["cpu_usage"].contains("percpu_usage") &&
        s["cpu_stats"]["cpu_usage"]["percpu_usage"].is_array())
        online = static_cast<double>(s["cpu_stats"]["cpu_usage"]["percpu_usage"].size());
    double cpu = system_delta > 0 && cpu_delta > 0 ? cpu_delta / system_delta * online * 100.0 : 0;

    // Memory as Docker shows it: usage minus the inactive page cache (v1 total_inactive_file,
    // v2 inactive_file).
    double usage = num(s, {"memory_stats", "usage"});
    double cache = num(s, {"memory_stats", "stats", "total_inactive_file"});
    if (cache == 0) cache = num(s, {"memory_stats", "stats", "inactive_file"});
    double mem = cache < usage ? usage - cache : usage;
    double limit = num(s, {"memory_stats", "limit"});
    double mem_percent = limit > 0 ? mem / limit * 100.0 : 0;

    double rx = 0, tx = 0;
    if (s.contains("networks") && s["networks"].is_object())
        for (const auto& [k, n] : s["networks"].items()) {
            rx += num(n, {"rx_bytes"});
            tx += num(n, {"tx_bytes"});
        }
    double read = 0, write = 0;
    if (s.contains("blkio_stats") && s["blkio_stats"].contains("io_service_bytes_recursive") &&
        s["blkio_stats"]["io_service_bytes_recursive"].is_array())
        for (const auto& e : s["blkio_stats"]["io_service_bytes_recursive"]) {
            std::string op = e.value("op", "");
            for (char& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (op == "read") read += num(e, {"value"});
            if (op == "write") write += num(e, {"value"});
        }
    Json row = Json::object();
    row["BlockIO"] = human_size(read) + " / " + human_size(write);
    row["CPUPerc"] = percent(cpu);
    row["Container"] = name.empty() ? truncate_id(id) : name;
    row["ID"] = truncate_id(id);
    row["MemPerc"] = percent(mem_percent);
    row["MemUsage"] = bytes_size(mem) + " / " + bytes_size(limit);
    row["Name"] = name.empty() ? "--" : name;
    row["NetIO"] = human_size(rx) + " / " + human_size(tx);
    row["PIDs"] = std::to_string(static_cast<int64_t>(num(s, {"pids_stats", "current"})));
    return row;
}

Json stats_header() {
    return Json{{"ID", "CONTAINER ID"}, {"Container", "CONTAINER"},        {"Name", "NAME"},
                {"CPUPerc", "CPU %"},   {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"},
                {"NetIO", "NET I/O"},   {"BlockIO", "BLOCK I/O"},          {"PIDs", "PIDS"}};
}

}  // namespace berth::cli
