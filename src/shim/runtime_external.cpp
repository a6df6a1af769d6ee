// The external driver: a runc-compatible binary, one run per operation:
//   <bin> --root <root> --log <shim_dir>/runtime-log.json --log-format json <command> ...
// The runtime's process gets the container's (or the exec's) stdio as its own 0..2, which it
// passes on; a pty master comes back over a console socket (runc's --console-socket protocol).
// Errors are read from the JSON log: with stdio handed to the container, the runtime's stderr
// is the container's.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/fd_passing.hpp"
#include "shim/options.hpp"
#include "shim/runtime_driver.hpp"

namespace berth::shim {

namespace {

constexpr int kConsoleWaitMs = 10000;

// The last error the runtime logged (runc: {"level":"error","msg":"..."} per line).
std::string logged_error(const std::string& log_path) {
    std::string last;
    try {
        auto text = read_file_if_exists(log_path);
        if (!text) return last;
        std::istringstream in(*text);
        for (std::string line; std::getline(in, line);) {
            try {
                Json j = Json::parse(line);
                std::string level = j.value("level", "");
                if (level == "error" || level == "fatal") last = j.value("msg", "");
            } catch (const std::exception&) {
                if (!line.empty()) last = line;  // a text log
            }
        }
    } catch (const std::exception&) {
    }
    return last;
}

class ExternalDriver final : public RuntimeDriver {
  public:
    explicit ExternalDriver(const Options& o)
        : binary_(o.runtime_binary),
          root_(o.runtime_root),
          id_(o.id),
          bundle_(o.bundle),
          shim_dir_(o.shim_dir),
          log_(o.shim_dir + "/runtime-log.json") {}

    Spawned create(const ProcessIo& io) override {
        std::string pid_file = shim_dir_ + "/init.pid";
        std::vector<std::string> args = {"create", "--bundle", bundle_, "--pid-file", pid_file};
        if (io.terminal) args.insert(args.end(), {"--console-socket", console_socket()});
        args.push_back(id_);
        run(args, io.terminal ? ProcessIo{} : io, "OCI runtime create failed");
        try {
            return spawned(pid_file, io.terminal, "the container's pty master");
        } catch (...) {
            // Created but unusable: nothing of it may stay behind.
            try {
                remove();
            } catch (...) {
            }
            throw;
        }
    }

    void start() override { run({"start", id_}, {}, "OCI runtime start failed"); }

    void kill(int signal, bool all) override {
        std::vector<std::string> args = {"kill"};
        if (all) args.push_back("--all");
        args.insert(args.end(), {id_, std::to_string(signal)});
        try {
            run(args, {}, "OCI runtime kill failed");
        } catch (const Error& e) {
            // runc: "container not running" / "process already finished".
            std::string m = e.what();
            if (m.find("not running") != std::string::npos ||
                m.find("finished") != std::string::npos) {
                throw Error(Errc::conflict, "container " + id_ + " is not running");
            }
            throw;
        }
    }

    Spawned exec(const std::string& exec_id, const Json& process, const ProcessIo& io) override {
        std::string process_file = shim_dir_ + "/exec-" + exec_id + ".json";
        std::string pid_file = shim_dir_ + "/exec-" + exec_id + ".pid";
        write_file_atomic(process_file, process.dump(), 0600, Durability::none);
        std::vector<std::string> args = {"exec",       "--process", process_file,
                                         "--pid-file", pid_file,    "--detach"};
        if (io.terminal) args.insert(args.end(), {"--console-socket", console_socket()});
        args.push_back(id_);
        try {
            run(args, io.terminal ? ProcessIo{} : io, "OCI runtime exec failed");
        } catch (...) {
            ::unlink(process_file.c_str());
            throw;
        }
        ::unlink(process_file.c_str());
        return spawned(pid_file, io.terminal, "the exec's pty master");
    }

    std::string cgroup_path() override {
        Json config = parse_json(read_file(bundle_ + "/config.json"), bundle_ + "/config.json");
        return config.value("linux", Json::object()).value("cgroupsPath", "");
    }

    void remove() override { run({"delete", "--force", id_}, {}, "OCI runtime delete failed"); }

  private:
    // Runs the runtime to completion with `io.stdio` as its 0..2; throws `what: <its error>`.
    void run(const std::vector<std::string>& command, const ProcessIo& io,
             const std::string& what) {
        std::vector<std::string> args = {binary_, "--root",       root_, "--log",
                                         log_,    "--log-format", "json"};
        args.insert(args.end(), command.begin(), command.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        // Said here: after the fork only an exit status would tell.
        if (::access(binary_.c_str(), X_OK) != 0) throw_errno(what + ": cannot run " + binary_);
        ::unlink(log_.c_str());
        pid_t pid = ::fork();
        if (pid < 0) throw_errno("fork " + binary_);
        if (pid == 0) {
            // The shim blocks SIGCHLD and SIGPIPE; a mask survives execve and would reach the
            // container's processes through the runtime.
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            int devnull = ::open("/dev/null", O_RDWR);
            for (int fd = 0; fd < 3; ++fd) {
                int from = io.stdio[fd] >= 0 ? io.stdio[fd] : devnull;
                if (from == fd)
                    ::fcntl(fd, F_SETFD, 0);
                else
                    ::dup2(from, fd);
            }
            // Nothing else of the shim (the ready pipe to the daemon, the control socket) may
            // live on in the runtime or the container's init, which would keep them open.
            ::close_range(3, UINT_MAX, 0);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) throw_errno("wait for " + binary_);
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ::unlink(log_.c_str());
            return;
        }
        std::string message = logged_error(log_);
        if (message.empty()) {
            message = WIFEXITED(status) && WEXITSTATUS(status) == 127
                          ? "cannot run " + binary_
                          : binary_ + " " + command[0] + " exited with status " +
                                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status)
                                                                 : 128 + WTERMSIG(status));
        }
        throw Error(Errc::internal, what + ": " + message);
    }

    // The pid the runtime wrote, and the pty master it sent (the runtime has exited: the
    // connection waits in the backlog).
    Spawned spawned(const std::string& pid_file, bool terminal, const char* what) {
        Spawned s;
        std::string text = read_file(pid_file);
        ::unlink(pid_file.c_str());
        s.pid = static_cast<pid_t>(std::stol(text));
        if (terminal) {
            pollfd p{console_.get(), POLLIN, 0};
            if (::poll(&p, 1, kConsoleWaitMs) <= 0)
                throw Error(Errc::internal, std::string("no ") + what + " from " + binary_);
            UniqueFd conn(::accept4(console_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!conn) throw_errno("accept console connection");
            s.pty_master = runtime::receive_fd(conn.get(), what);
        }
        return s;
    }

    // The listening socket pty masters come back on, made on first use, as the runtime reaches
    // it: a path too long for sun_path goes through /proc/<shim pid>/fd/<dir fd> (the runtime
    // is another process; /proc/self would be its own).
    std::string console_socket() {
        std::string path = shim_dir_ + "/console.sock";
        std::string reach = path;
        if (path.size() >= sizeof(sockaddr_un::sun_path)) {
            if (!console_dir_)
                console_dir_.reset(::open(shim_dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!console_dir_) throw_errno("open " + shim_dir_);
            reach = "/proc/" + std::to_string(::getpid()) + "/fd/" +
                    std::to_string(console_dir_.get()) + "/console.sock";
        }
        if (!console_) {
            UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
            if (!fd) throw_errno("socket");
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            reach.copy(addr.sun_path, sizeof addr.sun_path - 1);
            ::unlink(path.c_str());
            if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
                ::listen(fd.get(), 8) < 0) {
                throw_errno("console socket " + path);
            }
            console_ = std::move(fd);
        }
        return reach;
    }

    std::string binary_, root_, id_, bundle_, shim_dir_, log_;
    UniqueFd console_, console_dir_;
};

}  // namespace

std::unique_ptr<RuntimeDriver> make_external_driver(const Options& options) {
    return std::make_unique<ExternalDriver>(options);
}

}  // namespace berth::shim
