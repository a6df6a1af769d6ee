// Creating and starting the container: stdio plumbing, the driver's create, the ready report.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "shim/memory_trim.hpp"
#include "shim/protocol.hpp"
#include "shim/shim.hpp"
#include "common/time_format.hpp"
#include "shim/unix_address.hpp"

namespace berth::shim {

namespace {

// Docker's exit codes for a process that could not be started.
int start_failure_code(const std::string& message) {
    if (message.find("executable file not found") != std::string::npos ||
        message.find("No such file") != std::string::npos || message.find("no such file") != std::string::npos) {
        return 127;
    }
    if (message.find("ermission denied") != std::string::npos) return 126;
    return 128;
}

std::string clean_message(std::string m) {
    const std::string prefix = "container init: ";
    if (m.rfind(prefix, 0) == 0) m.erase(0, prefix.size());
    return m;
}

UniqueFd listen_unix(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throw_errno("socket");
    UniqueFd dir;
    sockaddr_un addr = unix_address(path, dir);
    ::unlink(path.c_str());
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) throw_errno("bind " + path);
    ::chmod(path.c_str(), 0600);
    if (::listen(fd.get(), 64) < 0) throw_errno("listen " + path);
    return fd;
}

}  // namespace

Shim::Shim(Options options) : opt_(std::move(options)), runtime_(make_runtime_driver(opt_)) {}

void Shim::report_ready(const Json& message) {
    if (opt_.ready_fd < 0) return;
    std::string line = message.dump() + "\n";
    ssize_t ignored = ::write(opt_.ready_fd, line.data(), line.size());
    (void)ignored;
    ::close(opt_.ready_fd);
    opt_.ready_fd = -1;
}

void Shim::create_container() {
    ProcessIo io;
    io.terminal = opt_.tty;
    UniqueFd in_theirs, out_theirs, err_theirs, in_ours;
    if (!opt_.tty) {
        pipe_pair(out_, out_theirs);
        pipe_pair(err_, err_theirs);
        if (opt_.stdin_open) pipe_pair(in_theirs, in_ours);
        io.stdio[0] = opt_.stdin_open ? in_theirs.get() : devnull_.get();
        io.stdio[1] = out_theirs.get();
        io.stdio[2] = err_theirs.get();
    }
    Spawned init = runtime_->create(io);
    pid_ = init.pid;
    if (opt_.tty) {
        out_ = std::move(init.pty_master);
        if (opt_.height || opt_.width) {
            winsize ws{static_cast<unsigned short>(opt_.height), static_cast<unsigned short>(opt_.width), 0, 0};
            ::ioctl(out_.get(), TIOCSWINSZ, &ws);
        }
        if (opt_.stdin_open) in_ours.reset(::fcntl(out_.get(), F_DUPFD_CLOEXEC, 3));
    }
    for (UniqueFd* fd : {&out_, &err_, &in_ours}) {
        if (*fd) ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
    }
    if (in_ours) stdin_.open(std::move(in_ours), !opt_.tty);
}

void Shim::start_container() {
    if (started_) return;
    runtime_->start();
    started_ = true;
    release_unused_memory();
}

int Shim::run() {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    mkdir_all(opt_.shim_dir, 0711);
    write_file_atomic(opt_.shim_dir + "/" + kPidFile, std::to_string(::getpid()), 0644, Durability::none);
    devnull_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    // No path: --log-driver none; the output still reaches attached clients.
    if (!opt_.log_path.empty()) log_ = std::make_unique<JsonFileLog>(opt_.log_path, opt_.log);
    listen_fd_ = listen_unix(opt_.shim_dir + "/" + kControlSocket);
    try {
        create_container();
    } catch (const std::exception& e) {
        std::string message = clean_message(e.what());
        ExitStatus status;
        status.exit_code = start_failure_code(message);
        status.error = message;
        status.finished_at = rfc3339_nano_now();
        listen_fd_.reset();
        ::unlink((opt_.shim_dir + "/" + kControlSocket).c_str());
        report_ready({{"error", message}, {"exit_code", status.exit_code}});
        try {
            write_exit_status(opt_.shim_dir, status);
        } catch (...) {
        }
        return 1;
    }
    // Only now: the init must not inherit a blocked SIGCHLD or SIGPIPE (a mask survives
    // execve). Children that exited meanwhile are still zombies; the loop's first sweep reaps them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGPIPE);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    sigdelset(&set, SIGPIPE);
    signal_fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd_) throw_errno("signalfd");
    report_ready({{"pid", pid_}});
    loop();
    finish();
    return 0;
}

}  // namespace berth::shim
