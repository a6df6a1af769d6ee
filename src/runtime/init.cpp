#include "runtime/init.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "runtime/child_util.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/rootfs.hpp"
#include "runtime/spawn.hpp"
#include "runtime/sync.hpp"

namespace berth::runtime::child {

namespace {

// The state JSON the parent sends for in-container hooks (stdin of each hook).
char g_state_json[sizeof(SyncMessage::text) * 32];

void wait_for_go(const LaunchPlan& plan) noexcept {
    SyncMessage m;
    for (;;) {
        if (!sync_recv(plan.sync_fd, m)) _exit(1);  // the runtime is gone: give up quietly
        if (m.type == SyncType::go) return;
        if (m.type == SyncType::state_json) {
            append_text(g_state_json, sizeof g_state_json, m.text);
            continue;
        }
        _exit(1);
    }
}

void send(const LaunchPlan& plan, SyncType type) noexcept {
    SyncMessage m;
    m.type = type;
    if (!sync_send(plan.sync_fd, m)) _exit(1);
}

// Runs an in-container hook with the state on stdin, bounded by its timeout.
void run_hook(const LaunchPlan& plan, const HookPlan& hook, const char* kind) noexcept {
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) fail(plan.sync_fd, errno, "pipe for hook");
    pid_t pid = fork();
    if (pid < 0) fail(plan.sync_fd, errno, "fork hook", hook.path.c_str());
    if (pid == 0) {
        dup2(in[0], 0);
        execve(hook.path.c_str(), hook.argv.data(), hook.envp.data());
        _exit(127);
    }
    close(in[0]);
    size_t len = strlen(g_state_json);
    ssize_t ignored = write(in[1], g_state_json, len);
    (void)ignored;
    close(in[1]);
    int status = 0;
    time_t deadline = hook.timeout > 0 ? time(nullptr) + hook.timeout : 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, deadline ? WNOHANG : 0);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) fail(plan.sync_fd, errno, "wait for hook", hook.path.c_str());
        if (deadline && time(nullptr) >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            char what[128] = "";
            append_text(what, sizeof what, kind);
            append_text(what, sizeof what, " hook timed out:");
            fail(plan.sync_fd, 0, what, hook.path.c_str());
        }
        if (deadline) poll(nullptr, 0, 10);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char what[128] = "";
        append_text(what, sizeof what, kind);
        append_text(what, sizeof what, " hook failed:");
        fail(plan.sync_fd, 0, what, hook.path.c_str());
    }
}

// From here hooks see the container as created (runc does the same): rewrite the status in
// place, "creating" -> "created", without allocating.
void mark_state_created() noexcept {
    static const char kFrom[] = "\"status\":\"creating\"";
    static const char kTo[] = "\"status\":\"created\"";
    char* at = strstr(g_state_json, kFrom);
    if (!at) return;
    size_t from = sizeof kFrom - 1, to = sizeof kTo - 1;
    memmove(at + to, at + from, strlen(at + from) + 1);
    memcpy(at, kTo, to);
}

void run_start_container_hooks(const LaunchPlan& plan) noexcept {
    if (plan.start_container_hooks.empty()) return;
    mark_state_created();
    for (const auto& h : plan.start_container_hooks) run_hook(plan, h, "startContainer");
}

// A new network namespace starts with "lo" down; like crun (and Docker's --network none), bring
// it up so 127.0.0.1 works inside. One ioctl; nothing else about networking is the runtime's.
void bring_up_loopback(const LaunchPlan& plan) noexcept {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(plan.sync_fd, errno, "socket for lo");
    ifreq ifr{};
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) fail(plan.sync_fd, errno, "get flags of lo");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) fail(plan.sync_fd, errno, "bring up lo");
    close(fd);
}

// Blocks until `start` opens the exec fifo for reading (or the parent says go, for `run`),
// then runs the startContainer hooks.
void wait_for_start(const LaunchPlan& plan) noexcept {
    if (plan.exec_fifo_fd < 0) {
        wait_for_go(plan);
        run_start_container_hooks(plan);
        return;
    }
    char path[32];
    fd_path(path, plan.exec_fifo_fd);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(-1, errno, "open exec fifo");
    close(plan.exec_fifo_fd);
    // `start` is now waiting for our byte and runs the poststart hooks once it has it: run
    // startContainer first, so the two kinds cannot interleave and a failing hook fails start.
    run_start_container_hooks(plan);
    if (write(fd, "0", 1) != 1) fail(-1, errno, "write exec fifo");
    close(fd);
}

}  // namespace

void container_init(const LaunchPlan& plan) noexcept {
    // Until the container is created, it must not outlive the runtime that creates it.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    // Until execve we are berth-runtime's image: non-dumpable, so no process in the container
    // can open our /proc/<pid>/exe (or mem) and write through it (CVE-2019-5736 class).
    // execve of the container's program makes it dumpable again.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (getppid() == 1) _exit(1);
    join_cgroups(plan.process.cgroup_task_files, plan.sync_fd);
    umask(0);
    wait_for_go(plan);  // the parent has put us in our cgroup and written id maps

    if (plan.new_user_ns) {
        // uid first, then the IPC namespace (owned by root here), then gid: runc's order.
        if (setresuid(0, 0, 0) < 0) fail(plan.sync_fd, errno, "setuid 0 in user namespace");
        if (plan.new_ipc_ns_as_root && unshare(CLONE_NEWIPC) < 0) fail(plan.sync_fd, errno, "create ipc namespace");
        if (setresgid(0, 0, 0) < 0) fail(plan.sync_fd, errno, "setgid 0 in user namespace");
    }
    for (const auto& j : plan.joins) {
        if (setns(j.fd, j.nstype) < 0) fail(plan.sync_fd, errno, "join namespace");
        close(j.fd);
    }
    if (plan.clone_flags & CLONE_NEWNET) bring_up_loopback(plan);
    if (plan.new_cgroup_ns && unshare(CLONE_NEWCGROUP) < 0) fail(plan.sync_fd, errno, "create cgroup namespace");
    if (plan.set_hostname && sethostname(plan.hostname.data(), plan.hostname.size()) < 0) {
        fail(plan.sync_fd, errno, "sethostname");
    }
    if (plan.set_domainname && setdomainname(plan.domainname.data(), plan.domainname.size()) < 0) {
        fail(plan.sync_fd, errno, "setdomainname");
    }

    int root_fd = prepare_rootfs(plan);
    if (plan.runtime_hooks) {
        send(plan, SyncType::run_hooks);
        wait_for_go(plan);
    }
    for (const auto& h : plan.create_container_hooks) run_hook(plan, h, "createContainer");
    enter_rootfs(plan, root_fd);
    finish_rootfs(plan);

    setsid();
    setup_terminal(plan.process, plan.sync_fd);
    if (plan.has_personality && personality(plan.personality) < 0) fail(plan.sync_fd, errno, "personality");
    apply_rlimits(plan.process, plan.sync_fd);
    const char* executable = resolve_executable(plan.process, plan.sync_fd);

    send(plan, SyncType::ready);
    // Created: from here the container lives on its own, whatever happens to `create`.
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    wait_for_start(plan);
    drop_privileges_and_exec(plan.process, executable, plan.exec_fifo_fd >= 0 ? -1 : plan.sync_fd);
}

}  // namespace berth::runtime::child
