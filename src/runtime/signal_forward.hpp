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
    // Reaps exited children without blocking; true (and *code) once `pid` has exited.
    bool reap(pid_t pid, int* code);
    // A signalfd for the forwarded signals, for callers that poll other fds too.
    int make_signalfd() const;

private:
    sigset_t forward_;
    sigset_t saved_;
};

}  // namespace berth::runtime
