// Exec: a new process in the running container, started by the shim so it is the shim's
// child (reaped here, its exit code kept) and its stdio flows like the container's.
//
// Runtime::exec gives the new process the caller's own stdin/stdout/stderr, so the shim
// points its 0..2 (normally /dev/null) at the exec's pipes for the duration of the call.
// The shim is single-threaded, so nothing else can write to them meanwhile.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/fd_passing.hpp"
#include "shim/memory_trim.hpp"
#include "shim/protocol.hpp"
#include "shim/unix_address.hpp"
#include "shim/shim.hpp"

namespace berth::shim {

namespace {

void pipe_pair(UniqueFd& read_end, UniqueFd& write_end) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    read_end.reset(p[0]);
    write_end.reset(p[1]);
}

void nonblocking(const UniqueFd& fd) {
    if (fd) ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

// Restores 0..2 to /dev/null however the exec call ends.
struct StdioSwap {
    int devnull;
    StdioSwap(int in, int out, int err, int devnull) : devnull(devnull) {
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
    }
    ~StdioSwap() {
        for (int fd = 0; fd < 3; ++fd) ::dup2(devnull, fd);
    }
};

}  // namespace

Json Shim::start_exec(const Json& request, UniqueFd& connection) {
    if (exit_ || !started_) throw Error(Errc::conflict, "container " + opt_.id + " is not running");
    std::string id = request.value("exec", "");
    if (id.empty() || id.find('/') != std::string::npos) throw Error(Errc::invalid_argument, "bad exec id");
    if (execs_.count(id)) throw Error(Errc::conflict, "exec " + id + " already started");
    if (!request.contains("process")) throw Error(Errc::invalid_argument, "exec: process is required");
    bool detach = request.value("detach", false);
    bool want_stdin = request.value("stdin", false) && !detach;

    runtime::ExecOptions eo;
    eo.process = runtime::parse_process(JsonReader(request["process"], "exec", "process"));
    eo.detach = true;
    eo.pid_file = opt_.shim_dir + "/exec-" + id + ".pid";
    auto e = std::make_unique<ExecProcess>();
    e->id = id;
    e->tty = eo.process->terminal;
    UniqueFd in_theirs, out_theirs, err_theirs;
    if (e->tty) {
        if (!exec_console_) {
            std::string path = opt_.shim_dir + "/exec-console.sock";
            exec_console_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
            UniqueFd dir;
            sockaddr_un addr = unix_address(path, dir);
            ::unlink(path.c_str());
            if (::bind(exec_console_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
                ::listen(exec_console_.get(), 8) < 0) {
                exec_console_.reset();
                throw_errno("exec console socket " + path);
            }
        }
        // Runtime::exec connects from this process: a /proc/self/fd path stays valid for it.
        eo.console_socket = short_socket_path(opt_.shim_dir + "/exec-console.sock", exec_console_dir_);
    } else if (!detach) {
        pipe_pair(e->out, out_theirs);
        pipe_pair(e->err, err_theirs);
        if (want_stdin) pipe_pair(in_theirs, e->in);
    }
    {
        int d = devnull_.get();
        StdioSwap swap(in_theirs ? in_theirs.get() : d, out_theirs ? out_theirs.get() : d,
                       err_theirs ? err_theirs.get() : d, d);
        runtime_.exec(opt_.id, eo);
    }
    auto pid_text = read_file(eo.pid_file);
    ::unlink(eo.pid_file.c_str());
    e->pid = static_cast<pid_t>(std::stol(pid_text));
    if (e->tty) {
        // The child connected while Runtime::exec ran; the connection waits in the backlog.
        UniqueFd conn(::accept4(exec_console_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn) throw_errno("accept exec console");
        e->out = runtime::receive_fd(conn.get(), "the exec's pty master");
        if (detach) e->out.reset();
        else if (want_stdin) e->in.reset(::fcntl(e->out.get(), F_DUPFD_CLOEXEC, 3));
    }
    nonblocking(e->out);
    nonblocking(e->err);
    nonblocking(e->in);
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
