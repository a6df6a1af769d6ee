#include "api/containers/stdio_bridge.hpp"

#include <algorithm>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "common/error.hpp"

namespace berth::api {

std::string parse_detach_keys(std::string_view spec) {
    if (spec.empty()) return std::string("\x10\x11", 2);
    std::string out;
    size_t pos = 0;
    while (pos <= spec.size()) {
        size_t comma = spec.find(',', pos);
        std::string_view key =
            spec.substr(pos, comma == std::string_view::npos ? spec.npos : comma - pos);
        auto bad = [&] {
            throw Error(Errc::invalid_argument, "Invalid detach keys (" + std::string(spec) +
                                                    ") provided: unknown character: '" +
                                                    std::string(key) + "'");
        };
        if (key.size() == 1) {
            out += key[0];
        } else if (key.size() == 6 && key.substr(0, 5) == "ctrl-") {
            char c = key[5];
            if (c >= 'a' && c <= 'z')
                out += static_cast<char>(c - 'a' + 1);
            else if (c >= 'A' && c <= 'Z')
                out += static_cast<char>(c - 'A' + 1);
            else if (c == '@')
                out += '\0';
            else if (c >= '[' && c <= '_')
                out += static_cast<char>(c - '[' + 27);
            else
                bad();
        } else {
            bad();
        }
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return out;
}

std::string mux_frame(int stream, std::string_view payload) {
    std::string out(8, '\0');
    out[0] = static_cast<char>(stream);
    auto n = static_cast<uint32_t>(payload.size());
    out[4] = static_cast<char>(n >> 24);
    out[5] = static_cast<char>(n >> 16);
    out[6] = static_cast<char>(n >> 8);
    out[7] = static_cast<char>(n);
    out.append(payload);
    return out;
}

namespace {

bool write_fd(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t got = ::send(fd, p, n, MSG_NOSIGNAL);
        if (got < 0 && errno == ENOTSOCK) got = ::write(fd, p, n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        p += got;
        n -= static_cast<size_t>(got);
    }
    return true;
}

// Client -> process stdin. Holds back a partial detach sequence until it is complete (then
// detaches, sending nothing of it) or broken (then sends it on).
void copy_stdin(RawStream& client, int process_fd, const std::string& keys,
                std::atomic<bool>& detached, int wake_fd) {
    std::string held;
    char buf[32768];
    for (;;) {
        size_t n = 0;
        try {
            n = client.read_some(buf, sizeof buf);
        } catch (const std::exception&) {
            n = 0;
        }
        if (n == 0) break;
        if (keys.empty()) {
            if (!write_fd(process_fd, buf, n)) return;
            continue;
        }
        std::string out;
        for (size_t i = 0; i < n; ++i) {
            held += buf[i];
            if (keys.compare(0, held.size(), held) != 0) {
                out += held;
                held.clear();
            } else if (held.size() == keys.size()) {
                if (!out.empty()) write_fd(process_fd, out.data(), out.size());
                detached = true;
                uint64_t one = 1;
                (void)!::write(wake_fd, &one, sizeof one);
                return;
            }
        }
        if (!out.empty() && !write_fd(process_fd, out.data(), out.size())) return;
    }
    // The client closed its side: the process sees end of input.
    ::shutdown(process_fd, SHUT_WR);
}

}  // namespace

BridgeEnd bridge_stdio(RawStream& client, StdioStream& process, const BridgeOptions& options) {
    int wake = ::eventfd(0, EFD_CLOEXEC);
    if (wake < 0) throw_errno("eventfd");
    std::atomic<bool> detached{false};
    std::thread input;
    if (options.forward_stdin) {
        input = std::thread(
            [&] { copy_stdin(client, process.fd.get(), options.detach_keys, detached, wake); });
    }
    BridgeEnd end = BridgeEnd::output_ended;
    char buf[65536];
    std::string header;       // unframe_output: a frame header read so far
    uint64_t frame_left = 0;  // unframe_output: payload bytes left in the current frame
    for (;;) {
        pollfd fds[3] = {{process.fd.get(), POLLIN, 0}, {wake, POLLIN, 0}, {-1, 0, 0}};
        // Without stdin the client sends nothing, so its hang-up is the only thing to see.
        // Not POLLRDHUP: the docker CLI half-closes at once when it attaches no stdin, and
        // still reads; POLLHUP comes only once both directions are shut.
        if (!options.forward_stdin) fds[2] = {client.native_handle(), 0, 0};
        int r = ::poll(fds, 3, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (fds[1].revents) {
            end = BridgeEnd::detached;
            break;
        }
        if (fds[2].revents & (POLLHUP | POLLERR)) {
            end = BridgeEnd::client_gone;
            break;
        }
        if (!fds[0].revents) continue;
        ssize_t n = ::read(process.fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        try {
            std::string_view chunk(buf, static_cast<size_t>(n));
            if (options.frame_output) {
                client.write_all(mux_frame(1, chunk));
            } else if (options.unframe_output) {
                // Frames may straddle reads: header bytes are gathered, payload passed on.
                std::string bare;
                for (size_t i = 0; i < chunk.size();) {
                    if (frame_left == 0) {
                        header += chunk[i++];
                        if (header.size() == 8) {
                            frame_left = (static_cast<uint32_t>(static_cast<unsigned char>(header[4])) << 24) |
                                         (static_cast<uint32_t>(static_cast<unsigned char>(header[5])) << 16) |
                                         (static_cast<uint32_t>(static_cast<unsigned char>(header[6])) << 8) |
                                         static_cast<uint32_t>(static_cast<unsigned char>(header[7]));
                            header.clear();
                        }
                        continue;
                    }
                    size_t take = std::min<size_t>(frame_left, chunk.size() - i);
                    bare.append(chunk.substr(i, take));
                    i += take;
                    frame_left -= take;
                }
                if (!bare.empty()) client.write_all(bare);
            } else {
                client.write_all(chunk);
            }
        } catch (const std::exception&) {
            end = BridgeEnd::client_gone;
            break;
        }
    }
    if (input.joinable()) {
        // Unblocks the stdin reader, which is waiting on the client socket.
        if (!detached) client.close();
        input.join();
    }
    ::close(wake);
    return detached ? BridgeEnd::detached : end;
}

}  // namespace berth::api
