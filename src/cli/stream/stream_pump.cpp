#include "cli/stream/stream_pump.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "cli/stream/terminal.hpp"
#include "client/stdcopy.hpp"
#include "common/error.hpp"

namespace berth::cli {

namespace {

void write_fd(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // a closed stdout (| head) must not kill the stream handling
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

bool DetachFilter::feed(const char* data, size_t size, std::string& out) {
    for (size_t i = 0; i < size; ++i) {
        char c = data[i];
        if (keys_.empty()) {
            out += c;
            continue;
        }
        if (c == keys_[matched_]) {
            if (++matched_ == keys_.size()) return true;
            continue;
        }
        out.append(keys_, 0, matched_);
        matched_ = 0;
        if (c == keys_[0]) {
            matched_ = 1;
            if (keys_.size() == 1) return true;
        } else {
            out += c;
        }
    }
    return false;
}

PumpResult pump_stream(client::Connection& conn, const PumpOptions& options) {
    PumpResult result;
    client::StdcopyDecoder demux([](client::StdStream stream, std::string_view data) {
        write_fd(stream == client::StdStream::stderr_ ? STDERR_FILENO : STDOUT_FILENO, data);
    });
    auto deliver = [&](std::string_view data) {
        if (options.tty)
            write_fd(STDOUT_FILENO, data);
        else
            demux.feed(data);
    };
    if (!conn.buffered().empty()) {
        std::string pending(conn.buffered());
        conn.consume(pending.size());
        deliver(pending);
    }
    DetachFilter filter(options.detach_keys);
    bool stdin_open = options.send_stdin;
    char buf[32768];
    for (;;) {
        pollfd fds[3];
        nfds_t n = 0;
        fds[n++] = {conn.fd(), POLLIN, 0};
        int stdin_index = -1, winch_index = -1;
        if (stdin_open) {
            stdin_index = static_cast<int>(n);
            fds[n++] = {STDIN_FILENO, POLLIN, 0};
        }
        if (options.on_resize && winch_fd() >= 0) {
            winch_index = static_cast<int>(n);
            fds[n++] = {winch_fd(), POLLIN, 0};
        }
        // Bytes already inside the connection (TLS decrypts a record at a time) do not wake
        // poll: look at the sockets without waiting, then read them.
        bool ready = conn.readable_now();
        if (::poll(fds, n, ready ? 0 : -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (winch_index >= 0 && (fds[winch_index].revents & POLLIN)) {
            drain_winch();
            try {
                options.on_resize();
            } catch (const std::exception&) {
                // A failed resize is not worth ending the session for.
            }
        }
        if (stdin_index >= 0 && (fds[stdin_index].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                stdin_open = false;
                conn.shutdown_write();  // the container reads EOF
            } else {
                std::string forward;
                bool detach = filter.feed(buf, static_cast<size_t>(got), forward);
                if (!forward.empty()) {
                    try {
                        conn.write_all(forward);
                    } catch (const Error&) {
                        stdin_open = false;
                    }
                }
                if (detach) {
                    result.detached = true;
                    return result;
                }
            }
        }
        if (ready || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            size_t got = conn.read_some(buf, sizeof buf);
            if (got == 0) return result;
            deliver(std::string_view(buf, got));
        }
    }
}

}  // namespace berth::cli
