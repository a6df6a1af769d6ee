// berth-init: the tiny pid 1 of `--init` containers (Docker's docker-init/tini role).
// Runs argv[1..] (after an optional "--") as its child, forwards the signals it receives to
// it, reaps every zombie reparented to it, and exits with the child's code (128 + signal
// when it was killed). Plain libc only: it is bind-mounted into images that may have none.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    int first = 1;
    if (first < argc && std::strcmp(argv[first], "--") == 0) ++first;
    if (first >= argc) {
        std::fprintf(stderr, "usage: berth-init [--] COMMAND [ARG...]\n");
        return 2;
    }
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t child = fork();
    if (child < 0) {
        std::perror("berth-init: fork");
        return 1;
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, nullptr);
        // Its own process group in the foreground, so a tty's ^C reaches it as with no init.
        setpgid(0, 0);
        tcsetpgrp(0, getpid());
        execvp(argv[first], argv + first);
        int err = errno;
        std::fprintf(stderr, "berth-init: exec %s: %s\n", argv[first], std::strerror(err));
        _exit(err == ENOENT ? 127 : 126);
    }
    int code = 0;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) {
            // The init of a pid namespace ignores signals it has no handler for, so forwarding
            // is the only way `docker stop` reaches the real process.
            kill(child, sig);
            continue;
        }
        for (;;) {
            int status = 0;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            if (pid == child) {
                code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
                child = -1;
            }
        }
        if (child < 0) return code;
    }
}
