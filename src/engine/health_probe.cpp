#include "engine/health_probe.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "engine/names.hpp"
#include "shim/protocol.hpp"

namespace berth::engine {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Docker's multiplexed stream ([stream, 0, 0, 0, big-endian size] + payload) to plain bytes.
class Demux {
  public:
    explicit Demux(ProbeOutput& out) : out_(out) {}
    void feed(const char* data, size_t n) {
        pending_.append(data, n);
        while (pending_.size() >= 8) {
            auto b = [&](size_t i) {
                return static_cast<uint32_t>(static_cast<unsigned char>(pending_[i]));
            };
            uint32_t size = (b(4) << 24) | (b(5) << 16) | (b(6) << 8) | b(7);
            if (pending_.size() < 8 + size) break;
            out_.append(std::string_view(pending_).substr(8, size));
            pending_.erase(0, 8 + size);
        }
    }

  private:
    ProbeOutput& out_;
    std::string pending_;
};

// Reads what is there within `wait`; false at EOF or on an error.
bool pump(int fd, Demux& demux, milliseconds wait) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (n <= 0) return n == 0 || errno == EINTR;
    char buf[8192];
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0) return errno == EINTR || errno == EAGAIN;
    if (r == 0) return false;
    demux.feed(buf, static_cast<size_t>(r));
    return true;
}

// The exec's exit code once the shim has reaped it; nullopt while it runs or when unknown.
std::optional<int> exit_code_of(const std::string& shim_dir, const std::string& exec_id) {
    try {
        Json st = shim::call(shim_dir, {{"op", "exec_status"}, {"exec", exec_id}}, nullptr, 2000);
        if (st.value("running", true)) return std::nullopt;
        return st.value("exit_code", -1);
    } catch (const Error&) {
        return std::nullopt;
    }
}

void kill_probe(const std::string& shim_dir, const std::string& exec_id) {
    try {
        shim::call(shim_dir, {{"op", "kill"}, {"exec", exec_id}, {"signal", SIGKILL}}, nullptr,
                   2000);
    } catch (const Error&) {
        // Already gone, or the container with it.
    }
}

}  // namespace

ProbeResult run_health_probe(const ProbeTarget& target, const HealthSettings& settings,
                             const std::atomic<bool>& stop, const ProbeEventSink& events) {
    ProbeResult r;
    r.start_ns = unix_now_ns();
    auto done = [&](int exit_code, std::string output) {
        r.exit_code = exit_code;
        r.output = std::move(output);
        r.end_ns = unix_now_ns();
        return r;
    };
    if (settings.command.empty()) return done(-1, "No exec command specified");
    std::string exec_id = generate_id();
    std::string action;
    for (const auto& a : settings.command) action += (action.empty() ? "" : " ") + a;
    const std::map<std::string, std::string> id_attr = {{"execID", exec_id}};
    events("exec_create: " + action, id_attr);

    UniqueFd conn;
    try {
        Json spec = parse_json(read_file(target.bundle_spec), "config.json");
        Json process = spec.at("process");
        process["args"] = settings.command;
        process["terminal"] = false;
        process.erase("consoleSize");
        Json req = {{"op", "exec"},
                    {"exec", exec_id},
                    {"process", process},
                    {"stdin", false},
                    {"detach", false}};
        int fd = -1;
        shim::call(target.shim_dir, req, &fd);
        conn.reset(fd);
    } catch (const std::exception& e) {
        return done(-1, std::string("OCI runtime exec failed: ") + e.what());
    }
    events("exec_start: " + action, id_attr);

    // The timeout counts from the moment the process runs, as in moby.
    ProbeOutput output;
    Demux demux(output);
    const auto deadline = Clock::now() + std::chrono::nanoseconds(settings.timeout_ns);
    auto next_status_check = Clock::now() + milliseconds(250);
    bool eof = false, timed_out = false, stopped = false;
    std::optional<int> code;
    while (!eof) {
        if (stop.load()) {
            stopped = true;
            break;
        }
        auto now = Clock::now();
        if (now >= deadline) {
            timed_out = true;
            break;
        }
        auto wait =
            std::min(std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1),
                     milliseconds(100));
        eof = !pump(conn.get(), demux, wait);
        // A probe that exited while something it started still holds its output open
        // (`daemon &`) is done all the same: ask now and then.
        if (!eof && Clock::now() >= next_status_check) {
            if ((code = exit_code_of(target.shim_dir, exec_id))) break;
            next_status_check = Clock::now() + milliseconds(250);
        }
    }
    if (timed_out || stopped) {
        kill_probe(target.shim_dir, exec_id);
        // Give the output a moment to end so what the probe wrote before it died is kept. A
        // stopped monitor's result is dropped anyway: it only waits to keep the events short
        // of the container's own (its exec_die right after the die).
        auto until = Clock::now() + milliseconds(stopped ? 200 : 1000);
        while (Clock::now() < until && pump(conn.get(), demux, milliseconds(50))) {
        }
    }
    conn.reset();
    // The shim reaps the process in its own loop, possibly a little after the output ended.
    for (int i = 0; !code && i < (stopped ? 1 : 100); ++i) {
        if ((code = exit_code_of(target.shim_dir, exec_id))) break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    events("exec_die", {{"execID", exec_id}, {"exitCode", std::to_string(code.value_or(-1))}});
    if (timed_out) return done(-1, probe_timeout_message(settings.timeout_ns, output.str()));
    if (!code) return done(-1, "healthcheck has no exit code");
    return done(*code, output.str());
}

}  // namespace berth::engine
