// The in-process driver: libberth-runtime called directly, no runtime binary exec'd.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/container.hpp"
#include "runtime/fd_passing.hpp"
#include "shim/options.hpp"
#include "shim/runtime_driver.hpp"
#include "shim/unix_address.hpp"

namespace berth::shim {

namespace {

// Runtime::exec gives the new process the caller's own stdin/stdout/stderr, so the shim points
// its 0..2 (normally /dev/null) at the exec's descriptors for the duration of the call. The shim
// is single-threaded, so nothing else can write to them meanwhile.
struct StdioSwap {
    int devnull;
    StdioSwap(const int (&stdio)[3], int devnull) : devnull(devnull) {
        for (int fd = 0; fd < 3; ++fd) ::dup2(stdio[fd] >= 0 ? stdio[fd] : devnull, fd);
    }
    ~StdioSwap() {
        for (int fd = 0; fd < 3; ++fd) ::dup2(devnull, fd);
    }
};

class InProcessDriver final : public RuntimeDriver {
  public:
    explicit InProcessDriver(const Options& o)
        : options_(o),
          runtime_(o.runtime_root),
          id_(o.id),
          bundle_(o.bundle),
          shim_dir_(o.shim_dir) {}

    Spawned create(const ProcessIo& io) override {
        runtime::CreateOptions co;
        co.bundle = bundle_;
        UniqueFd console_ours, console_theirs;
        if (io.terminal) {
            int sv[2];
            if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                throw_errno("socketpair");
            console_ours.reset(sv[0]);
            console_theirs.reset(sv[1]);
            co.console_fd = sv[1];
        } else {
            for (int i = 0; i < 3; ++i) co.stdio[i] = io.stdio[i];
        }
        Spawned s;
        s.pid = runtime_.create(id_, co);
        if (io.terminal) {
            console_theirs.reset();
            s.pty_master = runtime::receive_fd(console_ours.get(), "the container's pty master");
        }
        return s;
    }

    void start() override { runtime_.start(id_); }

    void kill(int signal, bool all) override { runtime_.kill(id_, signal, all); }

    Spawned exec(const std::string& exec_id, const Json& process, const ProcessIo& io) override {
        runtime::ExecOptions eo;
        eo.process = runtime::parse_process(JsonReader(process, "exec", "process"));
        eo.detach = true;
        eo.may_reexec = false;  // a re-exec would restart this shim: see sealed_exec
        eo.pid_file = shim_dir_ + "/exec-" + exec_id + ".pid";
        if (io.terminal) eo.console_socket = console_socket();
        if (!devnull_) devnull_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
        try {
            StdioSwap swap(io.stdio, devnull_.get());
            runtime_.exec(id_, eo);
        } catch (const runtime::SealedCopyNeeded&) {
            return sealed_exec(exec_id, process, io);
        }
        Spawned s;
        auto pid_text = read_file(eo.pid_file);
        ::unlink(eo.pid_file.c_str());
        s.pid = static_cast<pid_t>(std::stol(pid_text));
        if (io.terminal) {
            // The child connected while Runtime::exec ran; the connection waits in the backlog.
            UniqueFd conn(::accept4(console_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!conn) throw_errno("accept exec console");
            s.pty_master = runtime::receive_fd(conn.get(), "the exec's pty master");
        }
        return s;
    }

    std::string cgroup_path() override { return runtime_.store().load(id_).cgroup_path; }

    void remove() override { runtime_.remove(id_, true); }

  private:
    // An exec that must start from a sealed copy of the runtime: Runtime::exec would
    // re-execute this shim (argv and all) to get one, so berth-runtime, the same runtime as a
    // command line that may re-execute itself, runs it on the same state root instead.
    Spawned sealed_exec(const std::string& exec_id, const Json& process, const ProcessIo& io) {
        if (options_.sealed_exec_runtime.empty()) {
            throw Error(
                Errc::internal,
                "this exec needs berth-runtime (it could reach the runtime's binary), and the shim "
                "was not given its path (--sealed-exec-runtime)");
        }
        if (!sealed_exec_driver_) {
            Options o = options_;
            o.runtime_binary = o.sealed_exec_runtime;
            sealed_exec_driver_ = make_external_driver(o);
        }
        return sealed_exec_driver_->exec(exec_id, process, io);
    }

    // The listening socket exec pty masters come back on, made on first use. Runtime::exec
    // connects from this process: a /proc/self/fd path stays valid for it.
    std::string console_socket() {
        std::string path = shim_dir_ + "/exec-console.sock";
        if (!console_) {
            console_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
            UniqueFd dir;
            sockaddr_un addr = unix_address(path, dir);
            ::unlink(path.c_str());
            if (::bind(console_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
                ::listen(console_.get(), 8) < 0) {
                console_.reset();
                throw_errno("exec console socket " + path);
            }
        }
        return short_socket_path(path, console_dir_);
    }

    Options options_;
    runtime::Runtime runtime_;
    std::string id_, bundle_, shim_dir_;
    std::unique_ptr<RuntimeDriver> sealed_exec_driver_;
    UniqueFd devnull_;
    UniqueFd console_;      // listening socket for exec pty masters
    UniqueFd console_dir_;  // keeps a /proc/self/fd path to it valid
};

}  // namespace

std::unique_ptr<RuntimeDriver> make_in_process_driver(const Options& options) {
    return std::make_unique<InProcessDriver>(options);
}

std::unique_ptr<RuntimeDriver> make_runtime_driver(const Options& options) {
    if (options.runtime_binary.empty()) return make_in_process_driver(options);
    return make_external_driver(options);
}

}  // namespace berth::shim
