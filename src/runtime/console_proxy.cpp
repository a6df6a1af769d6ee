#include "runtime/console_proxy.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "runtime/fd_passing.hpp"

namespace berth::runtime {

namespace {
bool write_all(int fd, const char* data, size_t size) {
    while (size) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}
}  // namespace

ConsoleProxy::ConsoleProxy() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("console socketpair");
    our_end_.reset(sv[0]);
    init_end_.reset(sv[1]);
}

ConsoleProxy::~ConsoleProxy() {
    if (raw_) ::tcsetattr(0, TCSANOW, &saved_);
}

void ConsoleProxy::receive_master() {
    init_end_.reset();
    master_ = receive_fd(our_end_.get(), "the container's terminal");
    if (::isatty(0) && ::tcgetattr(0, &saved_) == 0) {
        termios raw = saved_;
        ::cfmakeraw(&raw);
        raw_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
        copy_window_size();
    }
}

void ConsoleProxy::copy_window_size() {
    winsize ws{};
    if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(master_.get(), TIOCSWINSZ, &ws);
}

int ConsoleProxy::run(pid_t pid, SignalForwarder& signals) {
    UniqueFd sigfd(signals.make_signalfd());
    bool stdin_open = true;
    char buf[16384];
    for (;;) {
        pollfd fds[3] = {{sigfd.get(), POLLIN, 0}, {master_.get(), POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = ::read(master_.get(), buf, sizeof buf);
            if (n > 0) write_all(1, buf, static_cast<size_t>(n));
        }
        if (fds[2].revents & (POLLIN | POLLHUP)) {
            ssize_t n = ::read(0, buf, sizeof buf);
            if (n <= 0) {
                stdin_open = false;
                // Like a terminal user typing ^D: the container sees end of input.
                char eof = raw_ ? 0 : 4;
                if (eof) write_all(master_.get(), &eof, 1);
            } else {
                write_all(master_.get(), buf, static_cast<size_t>(n));
            }
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(sigfd.get(), &info, sizeof info) != sizeof info) continue;
            int sig = static_cast<int>(info.ssi_signo);
            if (sig == SIGWINCH) {
                copy_window_size();
            } else if (sig != SIGCHLD) {
                ::kill(pid, sig);
            }
        }
        int code;
        if (signals.reap(pid, &code)) {
            // Output written just before the exit is still in the pty: drain it.
            for (;;) {
                pollfd p{master_.get(), POLLIN, 0};
                if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) break;
                ssize_t n = ::read(master_.get(), buf, sizeof buf);
                if (n <= 0) break;
                write_all(1, buf, static_cast<size_t>(n));
            }
            return code;
        }
    }
}

}  // namespace berth::runtime
