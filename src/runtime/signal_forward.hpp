#pragma once
// Waiting for a child while forwarding the signals we receive to it (run and exec in the foreground).
#include <signal.h>
#include <sys/types.h>

namespace berth::runtime {

class SignalForwarder {
public:
    // Blocks the forwarded signals (and SIGCHLD) from now on, so none is lost before wait().
    SignalForwarder();
    ~SignalForwarder();
    SignalForwarder(const SignalForwarder&) = delete;
    SignalForwarder& operator=(const SignalForwarder&) = delete;
    // Forwards signals to pid until it exits; reaps other children on the way.
    // Returns the exit code, or 128 + signal number.
    int wait(pid_t pid);

private:
    sigset_t forward_;
    sigset_t saved_;
};

}  // namespace berth::runtime
