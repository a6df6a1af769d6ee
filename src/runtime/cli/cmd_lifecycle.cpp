// create, start, run, kill, delete.
#include <signal.h>
#include <unistd.h>

#include "runtime/cli/args.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/container.hpp"

namespace berth::runtime::cli {

namespace {

const std::vector<OptionSpec> kCreateOptions = {
    {{"--bundle", "-b"}, true},      {{"--pid-file"}, true},   {{"--console-socket"}, true},
    {{"--no-pivot"}, false},         {{"--no-new-keyring"}, false}, {{"--preserve-fds"}, true},
    {{"--detach", "-d"}, false},     {{"--keep"}, false},      {{"--no-subreaper"}, false},
};

CreateOptions create_options(const Args& a) {
    CreateOptions o;
    o.bundle = a.value_or("--bundle", ".");
    o.pid_file = a.value_or("--pid-file", "");
    o.console_socket = a.value_or("--console-socket", "");
    o.no_pivot = a.flag("--no-pivot");
    o.preserve_fds = parse_count(a.value_or("--preserve-fds", "0"), "--preserve-fds");
    return o;
}

}  // namespace

int cmd_create(const Global& g, const Argv& argv) {
    Args a("create", argv, kCreateOptions);
    a.require_positionals(1, 1, "[options] <container-id>");
    Runtime(g.root).create(a.id(), create_options(a));
    return 0;
}

int cmd_run(const Global& g, const Argv& argv) {
    Args a("run", argv, kCreateOptions);
    a.require_positionals(1, 1, "[options] <container-id>");
    return Runtime(g.root).run(a.id(), create_options(a), a.flag("--detach"));
}

int cmd_start(const Global& g, const Argv& argv) {
    Args a("start", argv, {});
    a.require_positionals(1, 1, "<container-id>");
    Runtime(g.root).start(a.id());
    return 0;
}

int cmd_kill(const Global& g, const Argv& argv) {
    Args a("kill", argv, {{{"--all", "-a"}, false}});
    a.require_positionals(1, 2, "[--all] <container-id> [signal]");
    int sig = a.positionals().size() > 1 ? parse_signal(a.positionals()[1]) : SIGTERM;
    Runtime(g.root).kill(a.id(), sig, a.flag("--all"));
    return 0;
}

int cmd_delete(const Global& g, const Argv& argv) {
    Args a("delete", argv, {{{"--force", "-f"}, false}});
    a.require_positionals(1, 1, "[--force] <container-id>");
    Runtime(g.root).remove(a.id(), a.flag("--force"));
    return 0;
}

}  // namespace berth::runtime::cli
