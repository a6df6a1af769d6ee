// logs, top, stats, changes, export.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/container_runtime.hpp"
#include "engine/manager_internal.hpp"
#include "engine/mount_stubs.hpp"
#include "engine/oci_config.hpp"
#include "image/digest.hpp"
#include "image/layer_diff.hpp"
#include "storage/snapshotter.hpp"

namespace berth::engine {

namespace {

// Runs ps (Docker does the same for `top`) and returns its output.
std::string run_ps(const std::vector<std::string>& args) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    std::vector<std::string> argv_s = {"ps"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork ps");
    if (pid == 0) {
        ::dup2(p[1], 1);
        ::execvp("ps", argv.data());
        ::_exit(127);
    }
    ::close(p[1]);
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error(Errc::internal, "ps failed: " + out);
    return out;
}

std::vector<std::string> split_ws(const std::string& line, size_t max_fields) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string w;
    while (out.size() + 1 < max_fields && in >> w) out.push_back(w);
    std::string rest;
    std::getline(in, rest);
    size_t start = rest.find_first_not_of(' ');
    if (start != std::string::npos) out.push_back(rest.substr(start));
    return out;
}

void walk_upper(const std::string& upper, const std::string& rel, const std::vector<std::string>& lowers, std::vector<Json>& out) {
    UniqueFd dir(::open((upper + rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return;
    std::vector<std::string> names = sorted_dir_entries(dir.get(), upper + rel);
    for (const auto& n : names) {
        std::string path = rel + "/" + n;
        struct stat st {};
        if (::lstat((upper + path).c_str(), &st) < 0) continue;
        if (is_mount_stub(upper, path, lowers) || holds_only_mount_stubs(upper, path, lowers)) continue;
        bool whiteout = S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
        bool in_lower = std::any_of(lowers.begin(), lowers.end(), [&](const std::string& l) { return path_exists(l + path); });
        int kind = whiteout ? 2 : in_lower ? 0 : 1;
        out.push_back({{"Path", path}, {"Kind", kind}});
        if (S_ISDIR(st.st_mode)) walk_upper(upper, path, lowers, out);
    }
}

}  // namespace

void ContainerManager::logs(const std::string& key, LogReadOptions options, const std::function<bool(const LogEntry&)>& sink) {
    auto e = find(key);
    std::string path;
    {
        std::lock_guard lock(mu_);
        path = e->c.log_path;
        if (path.empty()) throw Error(Errc::not_implemented, "configured logging driver does not support reading");
        const Json& cfg = e->c.host_config["LogConfig"].value("Config", Json::object());
        if (cfg.contains("max-file") && cfg["max-file"].is_string()) options.max_file = std::stoi(cfg["max-file"].get<std::string>());
    }
    read_logs(path, options, sink, [this, e] {
        std::lock_guard lock(mu_);
        return !e->removed && (e->c.state.running() || e->c.state.status == "restarting");
    });
}

Json ContainerManager::top(const std::string& key, const std::string& ps_args) {
    auto e = find(key);
    std::string id, runtime;
    {
        std::lock_guard lock(mu_);
        if (!e->c.state.running()) throw Error(Errc::conflict, "Container " + e->c.id + " is not running");
        id = e->c.id;
        runtime = runtime_name(e->c.host_config);
    }
    auto pids = ContainerRuntime(options_, runtime).pids(id);
    std::vector<std::string> args;
    std::istringstream in(ps_args.empty() ? "-ef" : ps_args);
    for (std::string a; in >> a;) args.push_back(a);
    std::string out = run_ps(args);
    std::istringstream lines(out);
    std::string header;
    std::getline(lines, header);
    auto titles = split_ws(header, 1000);
    auto pid_col = std::find(titles.begin(), titles.end(), "PID");
    if (pid_col == titles.end()) throw Error(Errc::invalid_argument, "Couldn't find PID field in ps output");
    size_t col = static_cast<size_t>(pid_col - titles.begin());
    Json processes = Json::array();
    for (std::string line; std::getline(lines, line);) {
        auto fields = split_ws(line, titles.size());
        if (fields.size() <= col) continue;
        pid_t p = static_cast<pid_t>(std::atoi(fields[col].c_str()));
        if (std::find(pids.begin(), pids.end(), p) != pids.end()) processes.push_back(fields);
    }
    return {{"Titles", titles}, {"Processes", processes}};
}

Json ContainerManager::stats(const std::string& key) {
    auto e = find(key);
    Container c;
    {
        std::lock_guard lock(mu_);
        c = e->c;
    }
    Json out = {{"id", c.id}, {"name", c.name}, {"read", rfc3339_nano_now()}, {"preread", kZeroTime}};
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    Json raw = Json::object();
    if (c.state.running()) {
        try {
            raw = ContainerRuntime(options_, runtime_name(c.host_config)).stats(c.id);
        } catch (const Error&) {
        }
    }
    const Json cpu = raw.value("cpu", Json::object());
    const Json usage = cpu.value("usage", Json::object());
    const Json mem = raw.value("memory", Json::object());
    const Json mem_usage = mem.value("usage", Json::object());
    // The host's total CPU time, as Docker reads it from /proc/stat (in nanoseconds).
    uint64_t system = 0;
    if (auto stat = read_file_if_exists("/proc/stat")) {
        std::istringstream in(*stat);
        std::string label;
        in >> label;
        uint64_t v, total = 0;
        for (int i = 0; i < 8 && in >> v; ++i) total += v;
        system = total * (1000000000ULL / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK)));
    }
    out["cpu_stats"] = {{"cpu_usage",
                         {{"total_usage", usage.value("total", 0ULL)},
                          {"usage_in_kernelmode", usage.value("kernel", 0ULL)},
                          {"usage_in_usermode", usage.value("user", 0ULL)},
                          {"percpu_usage", usage.value("percpu", Json::array())}}},
                        {"system_cpu_usage", system},
                        {"online_cpus", cpus},
                        {"throttling_data",
                         {{"periods", cpu.value("throttling", Json::object()).value("periods", 0ULL)},
                          {"throttled_periods", cpu.value("throttling", Json::object()).value("throttled_periods", 0ULL)},
                          {"throttled_time", cpu.value("throttling", Json::object()).value("throttled_time", 0ULL)}}}};
    out["precpu_stats"] = {{"cpu_usage", {{"total_usage", 0}, {"usage_in_kernelmode", 0}, {"usage_in_usermode", 0}}},
                           {"throttling_data", {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}};
    Json mstats = mem.value("raw", Json::object());
    // An unlimited cgroup reports ~8 EiB; dockerd shows the machine's memory instead, so the
    // CLI prints "MEM USAGE / LIMIT" as "1.2MiB / 7.7GiB" and a meaningful MEM %.
    uint64_t limit = mem_usage.value("limit", 0ULL);
    uint64_t machine = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
                       static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    if (machine > 0 && limit > machine) limit = machine;
    out["memory_stats"] = {{"usage", mem_usage.value("usage", 0ULL)},
                           {"max_usage", mem_usage.value("max", 0ULL)},
                           {"limit", limit},
                           {"stats", mstats}};
    out["pids_stats"] = {{"current", raw.value("pids", Json::object()).value("current", 0ULL)}};
    if (auto lim = raw.value("pids", Json::object()).value("limit", 0ULL)) out["pids_stats"]["limit"] = lim;
    Json blkio = raw.value("blkio", Json::object());
    out["blkio_stats"] = {{"io_service_bytes_recursive", blkio.value("ioServiceBytesRecursive", Json(nullptr))},
                          {"io_serviced_recursive", blkio.value("ioServicedRecursive", Json(nullptr))}};
    out["num_procs"] = 0;
    out["storage_stats"] = Json::object();
    return out;
}

std::vector<Json> ContainerManager::changes(const std::string& key) {
    auto e = find(key);
    std::string id, top_layer;
    {
        std::lock_guard lock(mu_);
        id = e->c.id;
        top_layer = e->c.top_layer;
    }
    std::optional<image::Digest> top;
    if (!top_layer.empty()) top = image::Digest::parse(top_layer);
    auto snap = options_.snapshotter->get(id, top, container_dir(id));
    std::vector<Json> out;
    walk_upper(snap.upper, "", snap.lowers, out);
    return out;
}

void ContainerManager::export_rootfs(const std::string& key, int out_fd) {
    auto e = find(key);
    with_rootfs(key, [&](int root) {
        image::write_layer_diff("/proc/self/fd/" + std::to_string(root), out_fd);
    });
    Container c;
    {
        std::lock_guard lock(mu_);
        c = e->c;
    }
    emit(c, "export");
}

}  // namespace berth::engine
