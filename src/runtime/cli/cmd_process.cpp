// exec and ps.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/container.hpp"

namespace berth::runtime::cli {

int cmd_exec(const Global& g, const Argv& argv) {
    const std::vector<OptionSpec> specs = {
        {{"--process", "-p"}, true}, {{"--tty", "-t"}, false},       {{"--env", "-e"}, true},
        {{"--cwd"}, true},           {{"--user", "-u"}, true},       {{"--additional-gids", "-g"}, true},
        {{"--detach", "-d"}, false}, {{"--pid-file"}, true},         {{"--console-socket"}, true},
        {{"--cap", "-c"}, true},     {{"--no-new-privs"}, false},    {{"--preserve-fds"}, true},
        {{"--process-label"}, true}, {{"--apparmor"}, true},         {{"--cgroup"}, true},
        {{"--ignore-paused"}, false},
    };
    Args a("exec", argv, specs, 1);
    if (a.positionals().empty()) throw Error(Errc::invalid_argument, "usage: berth-runtime exec [options] <container-id> <command> [args...]");
    ExecOptions o;
    if (auto file = a.value("--process")) {
        auto text = read_file(*file);
        Json j = parse_json(text, *file);
        o.process = parse_process(JsonReader(j, *file));
    } else {
        o.args.assign(a.positionals().begin() + 1, a.positionals().end());
        if (o.args.empty()) throw Error(Errc::invalid_argument, "exec: a command or --process is required");
    }
    o.env = a.values("--env");
    o.cwd = a.value_or("--cwd", "");
    if (auto user = a.value("--user")) {
        auto colon = user->find(':');
        try {
            o.uid = static_cast<uint32_t>(std::stoul(user->substr(0, colon)));
            if (colon != std::string::npos) o.gid = static_cast<uint32_t>(std::stoul(user->substr(colon + 1)));
        } catch (...) {
            throw Error(Errc::invalid_argument, "exec: --user takes uid[:gid], got \"" + *user + "\"");
        }
    }
    for (const auto& gid : a.values("--additional-gids")) o.additional_gids.push_back(static_cast<uint32_t>(std::stoul(gid)));
    o.tty = a.flag("--tty");
    o.detach = a.flag("--detach");
    o.pid_file = a.value_or("--pid-file", "");
    o.console_socket = a.value_or("--console-socket", "");
    o.cap_add = a.values("--cap");
    o.no_new_privs = a.flag("--no-new-privs");
    o.preserve_fds = parse_count(a.value_or("--preserve-fds", "0"), "--preserve-fds");
    return Runtime(g.root).exec(a.id(), o);
}

int cmd_ps(const Global& g, const Argv& argv) {
    Args a("ps", argv, {{{"--format", "-f"}, true}}, 1);
    a.require_positionals(1, 64, "[--format table|json] <container-id> [ps options]");
    auto pids = Runtime(g.root).pids(a.id());
    std::string format = a.value_or("--format", "table");
    if (format == "json") {
        std::puts(Json(pids).dump().c_str());
        return 0;
    }
    if (format != "table") throw Error(Errc::invalid_argument, "ps: invalid format \"" + format + "\"");
    // Like runc: run the host's ps and keep the header and the container's processes.
    std::vector<std::string> ps_args(a.positionals().begin() + 1, a.positionals().end());
    if (ps_args.empty()) ps_args = {"-ef"};
    std::string cmd = "ps";
    for (const auto& arg : ps_args) cmd += " '" + arg + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) throw_errno("run ps");
    std::set<pid_t> wanted(pids.begin(), pids.end());
    char line[4096];
    int pid_column = -1;
    bool header = true;
    while (std::fgets(line, sizeof line, p)) {
        std::string s(line);
        std::vector<std::string> fields;
        size_t pos = 0;
        while (pos < s.size()) {
            while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
            size_t end = pos;
            while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
            if (end > pos) fields.push_back(s.substr(pos, end - pos));
            pos = end;
        }
        if (header) {
            for (size_t i = 0; i < fields.size(); ++i) {
                if (fields[i] == "PID") pid_column = static_cast<int>(i);
            }
            if (pid_column < 0) throw Error(Errc::invalid_argument, "ps: the output has no PID column");
            std::fputs(line, stdout);
            header = false;
            continue;
        }
        if (static_cast<int>(fields.size()) > pid_column && wanted.count(std::atoi(fields[pid_column].c_str()))) {
            std::fputs(line, stdout);
        }
    }
    ::pclose(p);
    return 0;
}

}  // namespace berth::runtime::cli
