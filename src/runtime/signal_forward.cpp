#include "runtime/signal_forward.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <initializer_list>

namespace berth::runtime {

SignalForwarder::SignalForwarder() {
    sigemptyset(&forward_);
    for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGPIPE, SIGALRM}) {
        sigaddset(&forward_, sig);
    }
    sigprocmask(SIG_BLOCK, &forward_, &saved_);
}

SignalForwarder::~SignalForwarder() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }

bool SignalForwarder::reap(pid_t pid, int* code) {
    for (;;) {
        int status = 0;
        pid_t r = waitpid(-1, &status, WNOHANG);
        if (r <= 0) return false;
        if (r == pid) {
            *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return true;
        }
    }
}

int SignalForwarder::make_signalfd() const { return signalfd(-1, &forward_, SFD_CLOEXEC); }

int SignalForwarder::wait(pid_t pid) {
    for (;;) {
        // The child may have exited before we got here: try first, then sleep on signals.
        int code;
        if (reap(pid, &code)) return code;
        siginfo_t info{};
        int sig = sigwaitinfo(&forward_, &info);
        if (sig < 0 || sig == SIGCHLD) continue;
        kill(pid, sig);
    }
}

}  // namespace berth::runtime
