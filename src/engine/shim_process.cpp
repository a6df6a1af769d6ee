#include "engine/shim_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"

namespace berth::engine {

ShimStarted spawn_shim(const std::string& shim_path, shim::Options options, int timeout_ms) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd read_end(p[0]), write_end(p[1]);
    constexpr int kReadyFd = 3;
    options.ready_fd = kReadyFd;
    std::vector<std::string> args = options.to_args();
    args.insert(args.begin(), shim_path);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    char* envp[] = {const_cast<char*>("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) throw_errno("open /dev/null");
    UniqueFd devnull_fd(devnull);

    // Only async-signal-safe calls after fork: the daemon is multi-threaded.
    pid_t middle = ::fork();
    if (middle < 0) throw_errno("fork shim");
    if (middle == 0) {
        ::setsid();
        pid_t shim = ::fork();
        if (shim != 0) ::_exit(shim < 0 ? 1 : 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::dup2(p[1], kReadyFd);  // clears close-on-exec on the copy
        // Nothing else of the daemon may live on in the shim: not every library marks its fds
        // close-on-exec (Asio's listening socket), and a shim holding berthd's socket keeps
        // accepting connections nobody serves after berthd dies, blocking its restart.
        if (kReadyFd > 3) ::syscall(SYS_close_range, 3U, static_cast<unsigned>(kReadyFd - 1), 0U);
        ::syscall(SYS_close_range, static_cast<unsigned>(kReadyFd + 1), ~0U, 0U);
        ::chdir("/");
        ::execve(shim_path.c_str(), argv.data(), envp);
        ::_exit(127);
    }
    write_end.reset();
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw Error(Errc::unavailable, "berth-shim did not report within " + std::to_string(timeout_ms) + " ms");
        pollfd pf{read_end.get(), POLLIN, 0};
        int n = ::poll(&pf, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        char buf[4096];
        ssize_t r = ::read(read_end.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        line.append(buf, static_cast<size_t>(r));
        if (line.find('\n') != std::string::npos) break;
    }
    if (line.empty()) throw Error(Errc::internal, "berth-shim (" + shim_path + ") exited without reporting; is it installed?");
    Json j = parse_json(line, "shim report");
    ShimStarted s;
    if (j.contains("error")) {
        s.error = j.value("error", "");
        s.exit_code = j.value("exit_code", 128);
        return s;
    }
    s.pid = j.value("pid", 0);
    return s;
}

}  // namespace berth::engine
