#pragma once
// The local terminal for -t: raw mode that is always restored (normal return, exceptions,
// SIGTERM/SIGHUP/SIGINT), the window size, and SIGWINCH delivered through a pipe so the stream
// loop can poll for it.
#include <optional>
#include <string>

namespace berth::cli {

struct WindowSize {
    unsigned short rows = 0, cols = 0;
};

std::optional<WindowSize> window_size(int fd);

class RawTerminal {
  public:
    // Puts `fd` in raw mode when it is a terminal; a no-op otherwise.
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;
    bool active() const { return active_; }
    void restore();

  private:
    int fd_;
    bool active_ = false;
};

// A pipe that becomes readable on SIGWINCH; -1 when not installed.
int winch_fd();
void install_winch_handler();
// Drains the pipe after a wakeup.
void drain_winch();

// Detach keys: "ctrl-p,ctrl-q" -> "\x10\x11". Throws invalid_argument for a bad spec.
std::string parse_detach_keys(const std::string& spec);

}  // namespace berth::cli
