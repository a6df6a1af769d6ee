// berth-runtime: a runc-compatible command line over libberth-runtime.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/time_format.hpp"
#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/state_store.hpp"

using namespace berth::runtime::cli;

namespace {

struct Command {
    const char* name;
    int (*run)(const Global&, const Argv&);
    const char* help;
};

constexpr Command kCommands[] = {
    {"spec", cmd_spec, "create a new specification file (config.json)"},
    {"create", cmd_create, "create a container"},
    {"start", cmd_start, "execute the user process in a created container"},
    {"run", cmd_run, "create and run a container"},
    {"state", cmd_state, "output the state of a container"},
    {"list", cmd_list, "list containers started by berth-runtime with the given root"},
    {"kill", cmd_kill, "send a signal to the container's init process"},
    {"delete", cmd_delete, "delete any resources held by the container"},
    {"exec", cmd_exec, "execute a new process inside the container"},
    {"ps", cmd_ps, "display the processes running inside a container"},
    {"pause", cmd_pause, "suspend all processes inside the container"},
    {"resume", cmd_resume, "resume all processes that have been paused"},
    {"update", cmd_update, "update container resource constraints"},
    {"events", cmd_events, "display container events such as stats"},
    {"features", cmd_features, "show the enabled features"},
};

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: berth-runtime [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]\n\n"
                 "commands:\n");
    for (const auto& c : kCommands) std::fprintf(out, "  %-9s %s\n", c.name, c.help);
}

void log_error(const Global& g, const std::string& message) {
    std::fprintf(stderr, "berth-runtime: %s\n", message.c_str());
    if (g.log.empty()) return;
    int fd = ::open(g.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    std::string line;
    if (g.log_format == "json") {
        line = berth::Json{{"level", "error"}, {"msg", message}, {"time", berth::rfc3339_nano_now()}}.dump() + "\n";
    } else {
        line = berth::rfc3339_nano_now() + " error: " + message + "\n";
    }
    ssize_t ignored = ::write(fd, line.data(), line.size());
    (void)ignored;
    ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    Global g;
    int i = 1;
    auto take_value = [&](const std::string& arg, const char* name) -> std::string {
        std::string prefix = std::string(name) + "=";
        if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
        if (i + 1 >= argc) {
            std::fprintf(stderr, "berth-runtime: %s needs a value\n", name);
            std::exit(1);
        }
        return argv[++i];
    };
    for (; i < argc && argv[i][0] == '-'; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "--version" || a == "-v") {
            std::printf("berth-runtime version 0.1.0\nspec: 1.2.0\n");
            return 0;
        } else if (a.rfind("--root", 0) == 0) {
            g.root = take_value(a, "--root");
        } else if (a.rfind("--log-format", 0) == 0) {
            g.log_format = take_value(a, "--log-format");
        } else if (a.rfind("--log", 0) == 0) {
            g.log = take_value(a, "--log");
        } else if (a == "--debug") {
            g.debug = true;
        } else if (a == "--systemd-cgroup") {
            log_error(g, "--systemd-cgroup is not supported: berth-runtime manages cgroupfs directly");
            return 1;
        } else if (a == "--rootless" || a.rfind("--rootless=", 0) == 0 || a.rfind("--criu", 0) == 0) {
            if (a == "--rootless" || a == "--criu") ++i;  // accepted for runc compatibility, no effect
        } else {
            log_error(g, "unknown global flag " + a);
            return 1;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    std::string name = argv[i];
    Argv rest(argv + i + 1, argv + argc);
    for (const auto& c : kCommands) {
        if (name != c.name) continue;
        try {
            return c.run(g, rest);
        } catch (const berth::Error& e) {
            log_error(g, e.what());
            // runc exits 1 for any error of its own, a missing executable included; mapping
            // that to Docker's 127 is the engine's job.
            return 1;
        } catch (const std::exception& e) {
            log_error(g, e.what());
            return 1;
        }
    }
    log_error(g, "unknown command \"" + name + "\"; see berth-runtime --help");
    return 1;
}
