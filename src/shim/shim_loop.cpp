// The shim's poll loop: container output to the log and to clients, stdin from clients,
// control connections, child exits; then the exit record.
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "shim/oom.hpp"
#include "shim/protocol.hpp"
#include "shim/shim.hpp"

namespace berth::shim {

namespace {

constexpr size_t kMaxClientBacklog = 4 << 20;  // a client this far behind is dropped
constexpr int kDrainMs = 2000;  // output still open this long after the init exited is cut off

void notify(const std::string& socket_path, const Json& message) {
    if (socket_path.empty()) return;
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (!fd || socket_path.size() >= sizeof addr.sun_path) return;
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size());
    std::string body = message.dump();
    // The daemon may be down: exit.json is the record then, so a failure here is fine.
    ::sendto(fd.get(), body.data(), body.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
}

}  // namespace

void Shim::broadcast(const std::string& exec_id, int stream, const char* data, size_t size, bool tty) {
    for (auto& c : clients_) {
        if (!c->fd || c->exec_id != exec_id) continue;
        if ((stream == 1 && !c->out) || (stream == 2 && !c->err)) continue;
        if (!tty) {
            unsigned char head[8];
            frame_header(head, stream, static_cast<uint32_t>(size));
            c->pending.append(reinterpret_cast<char*>(head), 8);
        }
        c->pending.append(data, size);
        flush_client(*c);
    }
}

void Shim::flush_client(Client& c) {
    while (!c.pending.empty()) {
        ssize_t n = ::send(c.fd.get(), c.pending.data(), c.pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.pending.erase(0, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (c.pending.size() > kMaxClientBacklog) c.fd.reset();
            return;
        }
        c.fd.reset();  // the client went away
        return;
    }
}

void Shim::on_output(int stream, int fd) {
    char buf[32768];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {  // EOF, or EIO from a pty master whose slave is gone
        if (log_) log_->flush(stream);
        (stream == 2 ? err_ : out_).reset();
        if (opt_.tty) stdin_.reset();
        return;
    }
    if (log_) log_->write(stream, std::string_view(buf, static_cast<size_t>(n)));
    broadcast("", stream, buf, static_cast<size_t>(n), opt_.tty);
}

StdinFeed* Shim::stdin_for(const Client& c) {
    if (!c.in) return nullptr;
    if (c.exec_id.empty()) return &stdin_;
    auto it = execs_.find(c.exec_id);
    return it == execs_.end() ? nullptr : &it->second->in;
}

void Shim::on_signal() {
    signalfd_siginfo info;
    while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
    }
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        if (pid == pid_) {
            exit_ = ExitStatus::from_wait_status(status);
            continue;
        }
        for (auto& [id, e] : execs_) {
            if (e->pid == pid && e->running) on_exec_exit(*e, status);
        }
        // Anything else is an orphan we adopted as subreaper: reaping it is all there is to do.
    }
}

void Shim::loop() {
    on_signal();  // children that exited before the signalfd existed
    std::chrono::steady_clock::time_point drain_deadline{};
    for (;;) {
        if (exit_) {
            if (drain_deadline == std::chrono::steady_clock::time_point{}) {
                drain_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMs);
            }
            if ((!out_ && !err_) || std::chrono::steady_clock::now() >= drain_deadline) break;
        }
        std::vector<pollfd> fds;
        std::vector<std::function<void(short)>> handlers;
        auto watch = [&](int fd, short events, std::function<void(short)> h) {
            fds.push_back({fd, events, 0});
            handlers.push_back(std::move(h));
        };
        watch(signal_fd_.get(), POLLIN, [this](short) { on_signal(); });
        watch(listen_fd_.get(), POLLIN, [this](short) { accept_client(); });
        if (out_) watch(out_.get(), POLLIN, [this](short) { on_output(1, out_.get()); });
        if (err_) watch(err_.get(), POLLIN, [this](short) { on_output(2, err_.get()); });
        if (stdin_.wants_write()) watch(stdin_.fd(), POLLOUT, [this](short) { stdin_.pump(); });
        for (auto& [id, e] : execs_) {
            ExecProcess* p = e.get();
            if (p->out) watch(p->out.get(), POLLIN, [this, p](short) {
                char buf[32768];
                ssize_t n = ::read(p->out.get(), buf, sizeof buf);
                if (n > 0) broadcast(p->id, 1, buf, static_cast<size_t>(n), p->tty);
                else if (n == 0 || (errno != EAGAIN && errno != EINTR)) p->out.reset();
            });
            if (p->err) watch(p->err.get(), POLLIN, [this, p](short) {
                char buf[32768];
                ssize_t n = ::read(p->err.get(), buf, sizeof buf);
                if (n > 0) broadcast(p->id, 2, buf, static_cast<size_t>(n), false);
                else if (n == 0 || (errno != EAGAIN && errno != EINTR)) p->err.reset();
            });
            if (p->in.wants_write()) watch(p->in.fd(), POLLOUT, [p](short) { p->in.pump(); });
        }
        for (auto& c : clients_) {
            Client* cp = c.get();
            if (!cp->fd) continue;
            short ev = 0;
            // A client whose stdin target is full is not read until the process catches up.
            StdinFeed* feed = stdin_for(*cp);
            if (!cp->in_closed && !(feed && feed->full())) ev |= POLLIN;
            if (!cp->pending.empty()) ev |= POLLOUT;
            watch(cp->fd.get(), ev, [this, cp](short revents) {
                if (revents & POLLOUT) flush_client(*cp);
                if (cp->fd && (revents & (POLLIN | POLLHUP | POLLERR))) on_client_input(*cp);
                if (cp->fd && cp->in_closed && (revents & (POLLHUP | POLLERR))) cp->fd.reset();
            });
        }
        int timeout = -1;
        if (exit_) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(drain_deadline - std::chrono::steady_clock::now());
            timeout = static_cast<int>(std::max<int64_t>(0, left.count()));
        }
        int n = ::poll(fds.data(), fds.size(), timeout);
        if (n < 0 && errno != EINTR) throw_errno("poll");
        for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
            if (fds[i].revents) handlers[i](fds[i].revents);
        }
        // Clients of finished execs are done once the output is drained.
        for (auto& c : clients_) {
            if (!c->fd || c->exec_id.empty()) continue;
            auto it = execs_.find(c->exec_id);
            if (it == execs_.end() || (!it->second->running && !it->second->out && !it->second->err)) {
                flush_client(*c);
                if (c->pending.empty()) c->fd.reset();
            }
        }
        std::erase_if(clients_, [](const auto& c) { return !c->fd; });
    }
}

void Shim::finish() {
    if (log_) {
        log_->flush(1);
        log_->flush(2);
    }
    try {
        exit_->oom_killed = cgroup_oom_killed(runtime_->cgroup_path());
    } catch (...) {
    }
    try {
        runtime_->remove();  // whatever is left in the cgroup, the cgroup, the state
    } catch (const std::exception& e) {
        std::fprintf(stderr, "berth-shim: delete %s: %s\n", opt_.id.c_str(), e.what());
    }
    write_exit_status(opt_.shim_dir, *exit_);
    // The socket goes before the daemon hears of the exit: a restart may start the next run's
    // shim right after, and it listens on the same path. Clients already attached keep their
    // connections.
    ::unlink((opt_.shim_dir + "/" + kControlSocket).c_str());
    notify(opt_.notify_socket, {{"id", opt_.id},
                                {"exit_code", exit_->exit_code},
                                {"oom_killed", exit_->oom_killed},
                                {"finished_at", exit_->finished_at}});
    // Last bytes to attached clients, then close: a client sees EOF after all output.
    for (auto& c : clients_) {
        if (!c->fd) continue;
        int flags = 0;
        (void)flags;
        for (int i = 0; i < 100 && c->fd && !c->pending.empty(); ++i) {
            pollfd p{c->fd.get(), POLLOUT, 0};
            ::poll(&p, 1, 10);
            flush_client(*c);
        }
    }
    clients_.clear();
}

}  // namespace berth::shim
