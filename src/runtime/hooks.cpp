#include "runtime/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "runtime/launch_plan.hpp"

namespace berth::runtime {

namespace {

long long monotonic_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void run_hook(const Hook& hook, const std::string& state_json, const std::string& kind) {
    HookPlan plan = build_hook_plan(hook);
    int in[2];
    if (::pipe2(in, O_CLOEXEC) < 0) throw_errno("pipe");
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork " + kind + " hook");
    if (pid == 0) {
        // A hook must not outlive a runtime killed while waiting for it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (::getppid() != parent) _exit(127);
        ::dup2(in[0], 0);
        ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
        _exit(127);
    }
    ::close(in[0]);
    // A hook that does not read its stdin must not block us: ignore EPIPE.
    signal(SIGPIPE, SIG_IGN);
    ssize_t ignored = ::write(in[1], state_json.data(), state_json.size());
    (void)ignored;
    ::close(in[1]);
    long long deadline = hook.timeout ? monotonic_ms() + *hook.timeout * 1000LL : 0;
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid, &status, deadline ? WNOHANG : 0);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) throw_errno("wait for " + kind + " hook");
        if (deadline && monotonic_ms() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            throw Error(Errc::internal, kind + " hook " + hook.path + " timed out after " +
                                            std::to_string(*hook.timeout) + "s");
        }
        if (deadline) ::poll(nullptr, 0, 5);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                        : "was killed by signal " + std::to_string(WTERMSIG(status));
    throw Error(Errc::internal, kind + " hook " + hook.path + " " + how);
}

}  // namespace

void run_hooks(const std::vector<Hook>& hooks, const std::string& state_json, const std::string& kind) {
    for (const auto& h : hooks) run_hook(h, state_json, kind);
}

}  // namespace berth::runtime
