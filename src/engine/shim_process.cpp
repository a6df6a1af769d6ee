#include "engine/shim_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/open_files_limit.hpp"
#include "common/unique_fd.hpp"

namespace berth::engine {

ShimStarted spawn_shim(const std::string& shim_path, shim::Options options, int timeout_ms) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd read_end(p[0]), write_end(p[1]);
    constexpr int kReadyFd = 3;
    options.ready_fd = kReadyFd;
    options.detach = true;
    if (!options.nofile_soft) options.nofile_soft = original_open_files_soft_limit();
    std::vector<std::string> args = options.to_args();
    args.insert(args.begin(), shim_path);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    char* envp[] = {const_cast<char*>("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) throw_errno("open /dev/null");
    UniqueFd devnull_fd(devnull);

    // posix_spawn (clone with CLONE_VM|CLONE_VFORK in glibc) rather than fork: copying the
    // daemon's page tables twice (fork, then the classic double fork) cost ~0.7 ms per start.
    // The shim detaches itself (--detach: it forks once and its first process exits), so it is
    // still not our child and outlives us; we reap only that first process.
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) throw_sys("posix_spawn_file_actions_init", rc);
    if (int rc = posix_spawnattr_init(&attr); rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        throw_sys("posix_spawnattr_init", rc);
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = 0;
    for (int fd : {0, 1, 2}) rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, devnull, fd);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, p[1], kReadyFd);  // clears close-on-exec
    // Nothing else of the daemon may live on in the shim: not every library marks its fds
    // close-on-exec (Asio's listening socket), and a shim holding berthd's socket keeps
    // accepting connections nobody serves after berthd dies, blocking its restart.
    rc = rc ? rc : posix_spawn_file_actions_addclosefrom_np(&actions, kReadyFd + 1);
    rc = rc ? rc : posix_spawn_file_actions_addchdir_np(&actions, "/");
    rc = rc ? rc : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = rc ? rc : posix_spawnattr_setsigmask(&attr, &none);
    rc = rc ? rc : posix_spawnattr_setsigdefault(&attr, &all);
    pid_t first = 0;
    if (rc == 0) rc = ::posix_spawn(&first, shim_path.c_str(), &actions, &attr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw_sys("spawn " + shim_path, rc);
    write_end.reset();
    int status = 0;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
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
