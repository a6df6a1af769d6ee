// Exec: a new process in the running container, started through the runtime driver so it is
// the shim's child (reaped here, its exit code kept) and its stdio flows like the container's.
#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"
#include "shim/memory_trim.hpp"
#include "common/file_util.hpp"
#include "shim/protocol.hpp"
#include "shim/shim.hpp"

namespace berth::shim {

namespace {

void nonblocking(const UniqueFd& fd) {
    if (fd) ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

}  // namespace

Json Shim::start_exec(const Json& request, UniqueFd& connection) {
    if (exit_ || !started_) throw Error(Errc::conflict, "container " + opt_.id + " is not running");
    std::string id = request.value("exec", "");
    if (id.empty() || id.find('/') != std::string::npos) throw Error(Errc::invalid_argument, "bad exec id");
    if (execs_.count(id)) throw Error(Errc::conflict, "exec " + id + " already started");
    if (!request.contains("process")) throw Error(Errc::invalid_argument, "exec: process is required");
    bool detach = request.value("detach", false);
    bool want_stdin = request.value("stdin", false) && !detach;

    auto e = std::make_unique<ExecProcess>();
    e->id = id;
    const Json& process = request["process"];
    if (!process.is_object()) throw Error(Errc::invalid_argument, "exec: process must be an object");
    e->tty = process.contains("terminal") && process["terminal"].is_boolean() && process["terminal"].get<bool>();
    ProcessIo io;
    io.terminal = e->tty;
    UniqueFd in_theirs, out_theirs, err_theirs, in_ours;
    if (!e->tty && !detach) {
        pipe_pair(e->out, out_theirs);
        pipe_pair(e->err, err_theirs);
        if (want_stdin) pipe_pair(in_theirs, in_ours);
        io.stdio[0] = in_theirs ? in_theirs.get() : -1;
        io.stdio[1] = out_theirs.get();
        io.stdio[2] = err_theirs.get();
    }
    Spawned p = runtime_->exec(id, process, io);
    e->pid = p.pid;
    if (e->tty && !detach) {
        e->out = std::move(p.pty_master);
        if (want_stdin) in_ours.reset(::fcntl(e->out.get(), F_DUPFD_CLOEXEC, 3));
    }
    nonblocking(e->out);
    nonblocking(e->err);
    nonblocking(in_ours);
    if (in_ours) e->in.open(std::move(in_ours), !e->tty);
    Json reply = {{"ok", true}, {"pid", e->pid}};
    execs_[id] = std::move(e);
    (void)connection;
    release_unused_memory();
    return reply;
}

void Shim::on_exec_exit(ExecProcess& e, int status) {
    e.running = false;
    e.exit_code = ExitStatus::from_wait_status(status).exit_code;
    // Keep only a bounded number of finished execs around for exec_status.
    size_t finished = 0;
    for (auto& [id, p] : execs_) finished += !p->running;
    if (finished > 256) {
        for (auto it = execs_.begin(); it != execs_.end(); ++it) {
            if (!it->second->running && it->second.get() != &e) {
                execs_.erase(it);
                break;
            }
        }
    }
}

}  // namespace berth::shim
