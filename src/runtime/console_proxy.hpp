#pragma once
// `run` in the foreground with process.terminal and no --console-socket (runc's default
// spec): the runtime itself receives the pty master and copies between its own stdio and the
// container's terminal, in raw mode when stdin is a terminal, forwarding window size changes.
#include <sys/types.h>
#include <termios.h>

#include "common/unique_fd.hpp"
#include "runtime/signal_forward.hpp"

namespace berth::runtime {

class ConsoleProxy {
public:
    ConsoleProxy();  // the socket pair the init sends the master over
    ~ConsoleProxy();
    ConsoleProxy(const ConsoleProxy&) = delete;
    ConsoleProxy& operator=(const ConsoleProxy&) = delete;

    // The end handed to the container's init as its console socket.
    int init_end() const { return init_end_.get(); }
    // Takes the master the init sent; call once the init is ready.
    void receive_master();
    // Copies stdio <-> master until `pid` exits; returns its exit code (128 + signal).
    int run(pid_t pid, SignalForwarder& signals);

private:
    void copy_window_size();
    UniqueFd our_end_, init_end_, master_;
    bool raw_ = false;
    termios saved_{};
};

}  // namespace berth::runtime
