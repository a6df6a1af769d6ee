#include "cli/stream/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "common/error.hpp"

namespace berth::cli {

namespace {

// One saved state for the signal handler: it must restore without allocating.
termios g_saved{};
int g_saved_fd = -1;
int g_winch_pipe[2] = {-1, -1};

void restore_saved() {
    if (g_saved_fd >= 0) ::tcsetattr(g_saved_fd, TCSANOW, &g_saved);
}

void on_fatal_signal(int sig) {
    restore_saved();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

void on_winch(int) {
    int saved = errno;
    char c = 1;
    if (g_winch_pipe[1] >= 0) [[maybe_unused]]
        ssize_t n = ::write(g_winch_pipe[1], &c, 1);
    errno = saved;
}

}  // namespace

std::optional<WindowSize> window_size(int fd) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return std::nullopt;
    return WindowSize{ws.ws_row, ws.ws_col};
}

RawTerminal::RawTerminal(int fd) : fd_(fd) {
    termios current{};
    if (::isatty(fd) != 1 || ::tcgetattr(fd, &current) != 0) return;
    g_saved = current;
    g_saved_fd = fd;
    termios raw = current;
    // moby/term MakeRaw: no input processing, no echo, and no output processing either (the
    // container's pty already turned "\n" into "\r\n"; OPOST here would make it "\r\r\n").
    ::cfmakeraw(&raw);
    if (::tcsetattr(fd, TCSANOW, &raw) != 0) return;
    active_ = true;
    for (int sig : {SIGTERM, SIGHUP, SIGINT, SIGQUIT}) ::signal(sig, on_fatal_signal);
}

RawTerminal::~RawTerminal() {
    restore();
}

void RawTerminal::restore() {
    if (!active_) return;
    restore_saved();
    g_saved_fd = -1;
    active_ = false;
}

int winch_fd() {
    return g_winch_pipe[0];
}

void install_winch_handler() {
    if (g_winch_pipe[0] >= 0) return;
    if (::pipe2(g_winch_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
    struct sigaction sa {};
    sa.sa_handler = on_winch;
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGWINCH, &sa, nullptr);
}

void drain_winch() {
    char buf[64];
    while (g_winch_pipe[0] >= 0 && ::read(g_winch_pipe[0], buf, sizeof buf) > 0) {
    }
}

std::string parse_detach_keys(const std::string& spec) {
    std::string out;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        std::string key =
            spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
        if (key.size() == 1) {
            out += key;
            continue;
        }
        if (key.size() == 6 && key.starts_with("ctrl-")) {
            char c = key[5];
            if (c >= 'a' && c <= 'z') {
                out += static_cast<char>(c - 'a' + 1);
                continue;
            }
            if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_') {
                out += static_cast<char>(c == '@' ? 0 : c - '[' + 27);
                continue;
            }
        }
        throw Error(Errc::invalid_argument, "Invalid detach keys (" + key + ") provided");
    }
    return out;
}

}  // namespace berth::cli
