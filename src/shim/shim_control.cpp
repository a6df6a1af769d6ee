// Requests on the control socket (see protocol.hpp) and bytes from attached clients.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "shim/protocol.hpp"
#include "shim/shim.hpp"

namespace berth::shim {

namespace {

void reply_error(int fd, const std::exception& e) {
    Json j = {{"ok", false}, {"error", e.what()}, {"code", "internal"}};
    if (auto* be = dynamic_cast<const Error*>(&e)) j["code"] = std::string(errc_name(be->code()));
    try {
        write_message(fd, j);
    } catch (...) {
    }
}

void set_winsize(int fd, const Json& request) {
    winsize ws{static_cast<unsigned short>(request.value("height", 0)),
               static_cast<unsigned short>(request.value("width", 0)), 0, 0};
    if (::ioctl(fd, TIOCSWINSZ, &ws) < 0) throw_errno("resize");
}

}  // namespace

void Shim::accept_client() {
    for (;;) {
        UniqueFd fd(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!fd) return;
        // The request comes right after connect; a client that sends nothing is not waited for long.
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 2000) <= 0) continue;
        try {
            auto request = read_message(fd.get());
            if (!request) continue;
            handle_request(std::move(fd), *request);
        } catch (const std::exception& e) {
            if (fd) reply_error(fd.get(), e);
        }
    }
}

void Shim::handle_request(UniqueFd fd, const Json& request) {
    std::string op = request.value("op", "");
    try {
        if (op == "status") {
            Json j = {{"ok", true}, {"pid", pid_}, {"status", exit_ ? "exited" : started_ ? "running" : "created"}};
            if (exit_) j["exit"] = exit_->to_json();
            write_message(fd.get(), j);
        } else if (op == "start") {
            start_container();
            write_message(fd.get(), {{"ok", true}, {"pid", pid_}});
        } else if (op == "kill") {
            if (exit_) throw Error(Errc::conflict, "container " + opt_.id + " is not running");
            if (std::string exec = request.value("exec", ""); !exec.empty()) {
                // The exec is our child and is reaped only by this (single) thread, so its
                // pid cannot have been reused while it is marked running. The runtime made it
                // a session leader: signalling its group reaches what it started too (a
                // health probe's `sh -c 'sleep 9'`), so nothing of it lingers.
                auto it = execs_.find(exec);
                if (it == execs_.end()) throw Error(Errc::not_found, "no such exec");
                if (!it->second->running) throw Error(Errc::conflict, "exec " + exec + " is not running");
                int sig = request.value("signal", 15);
                if (::kill(-it->second->pid, sig) < 0 && ::kill(it->second->pid, sig) < 0) {
                    throw_errno("kill exec " + exec);
                }
            } else {
                runtime_->kill(request.value("signal", 15), request.value("all", false));
            }
            write_message(fd.get(), {{"ok", true}});
        } else if (op == "resize") {
            std::string exec = request.value("exec", "");
            if (!exec.empty()) {
                auto it = execs_.find(exec);
                if (it == execs_.end() || !it->second->tty || !it->second->out) {
                    throw Error(Errc::conflict, "exec " + exec + " has no terminal");
                }
                set_winsize(it->second->out.get(), request);
            } else {
                if (!opt_.tty || !out_) throw Error(Errc::conflict, "container " + opt_.id + " has no terminal");
                set_winsize(out_.get(), request);
            }
            write_message(fd.get(), {{"ok", true}});
        } else if (op == "attach") {
            write_message(fd.get(), {{"ok", true}});
            auto c = std::make_unique<Client>();
            c->out = request.value("stdout", true);
            c->err = request.value("stderr", true);
            c->in = request.value("stdin", false) && opt_.stdin_open;
            ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
            c->fd = std::move(fd);
            clients_.push_back(std::move(c));
        } else if (op == "exec") {
            Json reply = start_exec(request, fd);
            if (fd) write_message(fd.get(), reply);
            if (fd && !request.value("detach", false)) {
                auto c = std::make_unique<Client>();
                c->exec_id = request.value("exec", "");
                c->in = request.value("stdin", false);
                ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
                c->fd = std::move(fd);
                clients_.push_back(std::move(c));
            }
        } else if (op == "exec_status") {
            auto it = execs_.find(request.value("exec", ""));
            if (it == execs_.end()) throw Error(Errc::not_found, "no such exec");
            Json j = {{"ok", true}, {"pid", it->second->pid}, {"running", it->second->running}};
            if (!it->second->running) j["exit_code"] = it->second->exit_code;
            write_message(fd.get(), j);
        } else {
            throw Error(Errc::invalid_argument, "unknown shim request \"" + op + "\"");
        }
    } catch (const std::exception& e) {
        if (fd) reply_error(fd.get(), e);
    }
}

void Shim::on_client_input(Client& c) {
    char buf[32768];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) {
        c.fd.reset();
        return;
    }
    StdinFeed* feed = stdin_for(c);
    if (n == 0) {
        c.in_closed = true;
        // The client's end of stdin: the process sees EOF once what it sent before is written
        // (an exec always, the container with StdinOnce, as Docker does).
        if (feed && (!c.exec_id.empty() || opt_.stdin_once)) feed->end();
        return;
    }
    // Bytes from a client that did not ask for stdin are dropped.
    if (feed) feed->push(buf, static_cast<size_t>(n));
}

}  // namespace berth::shim
