#include "engine/container_runtime.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "engine/container_manager.hpp"
#include "engine/oci_config.hpp"
#include "runtime/container.hpp"

namespace berth::engine {

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// A bare name ("runc") is looked up in PATH, as Docker does; the shim gets an absolute path.
std::string resolve_binary(const std::string& path) {
    if (path.find('/') != std::string::npos) return path;
    const char* env = std::getenv("PATH");
    std::istringstream dirs(env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + path;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return path;  // running it fails and says so
}

}  // namespace

std::string runtime_name(const Json& host_config) {
    std::string name = json_string(host_config, "Runtime");
    return name.empty() ? kBuiltinRuntime : name;
}

ContainerRuntime::ContainerRuntime(const ManagerOptions& options, const std::string& name)
    : name_(name) {
    if (name == kBuiltinRuntime) {
        root_ = options.exec_root + "/runtime";
        return;
    }
    auto it = options.runtimes.find(name);
    if (it == options.runtimes.end())
        throw Error(Errc::invalid_argument, "unknown or invalid runtime name: " + name);
    binary_ = resolve_binary(it->second);
    root_ = options.exec_root + "/runtimes/" + name;
}

void ContainerRuntime::pause(const std::string& id) const {
    if (builtin()) return runtime::Runtime(root_).pause(id);
    run({"pause", id});
}

void ContainerRuntime::resume(const std::string& id) const {
    if (builtin()) return runtime::Runtime(root_).resume(id);
    run({"resume", id});
}

void ContainerRuntime::update(const std::string& id, const Json& oci_resources) const {
    if (builtin())
        return runtime::Runtime(root_).update(
            id, runtime::parse_resources(JsonReader(oci_resources, "update")));
    run({"update", "--resources", "-", id}, oci_resources.dump());
}

std::vector<pid_t> ContainerRuntime::pids(const std::string& id) const {
    if (builtin()) return runtime::Runtime(root_).pids(id);
    Json list = parse_json(run({"ps", "--format", "json", id}), binary_ + " ps");
    std::vector<pid_t> out;
    for (const auto& p : list) {
        if (p.is_number_integer()) out.push_back(p.get<pid_t>());
    }
    return out;
}

Json ContainerRuntime::stats(const std::string& id) const {
    if (builtin()) return runtime::Runtime(root_).stats(id);
    Json event = parse_json(run({"events", "--stats", id}), binary_ + " events --stats");
    return event.value("data", Json::object());
}

void ContainerRuntime::remove(const std::string& id) const {
    if (builtin()) return runtime::Runtime(root_).remove(id, true);
    // Normally the shim has deleted it: spare the exec then.
    if (!path_exists(root_ + "/" + id)) return;
    run({"delete", "--force", id});
}

std::string ContainerRuntime::recursive_read_only_unsupported() const {
    // mount_setattr(2) with a bad fd: EBADF/EINVAL where it exists, ENOSYS where it does not.
    static const bool kernel_has_it =
        ::syscall(SYS_mount_setattr, -1, "", 0, nullptr, 0) == 0 || errno != ENOSYS;
    if (!kernel_has_it) return "rro is not supported: mount_setattr: function not implemented (kernel is older than 5.12?)";
    if (builtin()) return "";

    static std::mutex mu;
    static std::map<std::string, bool> answers;  // binary -> its features list "rro"
    {
        std::lock_guard lock(mu);
        if (auto it = answers.find(binary_); it != answers.end())
            return it->second ? "" : "rro is not supported by runtime \"" + name_ + "\"";
    }
    bool has_rro = false;
    try {
        Json features = parse_json(run({"features"}), binary_ + " features");
        for (const auto& o : features.value("mountOptions", Json::array())) has_rro = has_rro || o == "rro";
    } catch (const Error& e) {
        return "rro is not supported by runtime \"" + name_ + "\": OCI features struct is not available (" +
               e.what() + ")";
    }
    std::lock_guard lock(mu);
    answers[binary_] = has_rro;
    return has_rro ? "" : "rro is not supported by runtime \"" + name_ + "\"";
}

std::string ContainerRuntime::run(const std::vector<std::string>& command,
                                  const std::string& input) const {
    std::vector<std::string> args = {binary_, "--root", root_};
    args.insert(args.end(), command.begin(), command.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    UniqueFd in_read, in_write, out_read, out_write, err_read, err_write;
    pipe_pair(in_read, in_write);
    pipe_pair(out_read, out_write);
    pipe_pair(err_read, err_write);

    // posix_spawn, not fork: berthd is big and multi-threaded (see shim_process.cpp).
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
    rc = rc ? rc : posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    rc = rc ? rc : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = rc ? rc : posix_spawnattr_setsigmask(&attr, &none);
    rc = rc ? rc : posix_spawnattr_setsigdefault(&attr, &all);
    pid_t pid = 0;
    if (rc == 0) rc = ::posix_spawn(&pid, binary_.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw_sys("run " + binary_, rc);
    in_read.reset();
    out_write.reset();
    err_write.reset();

    std::string out, err;
    size_t written = 0;
    if (input.empty())
        in_write.reset();
    else
        ::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
    while (out_read || err_read) {
        pollfd fds[3];
        int n = 0;
        UniqueFd* owner[3];
        for (UniqueFd* fd : {&out_read, &err_read, &in_write}) {
            if (!*fd) continue;
            fds[n] = {fd->get(), static_cast<short>(fd == &in_write ? POLLOUT : POLLIN), 0};
            owner[n++] = fd;
        }
        if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (owner[i] == &in_write) {
                ssize_t w = ::write(in_write.get(), input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<size_t>(w);
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
                    in_write.reset();
                continue;
            }
            char buf[8192];
            ssize_t r = ::read(owner[i]->get(), buf, sizeof buf);
            if (r > 0)
                (owner[i] == &out_read ? out : err).append(buf, static_cast<size_t>(r));
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                owner[i]->reset();
        }
    }
    in_write.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;
    err = trim(err);
    if (err.empty())
        err = binary_ + " exited with status " +
              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    throw Error(Errc::internal, "OCI runtime " + command[0] + " failed: " + err);
}

}  // namespace berth::engine
