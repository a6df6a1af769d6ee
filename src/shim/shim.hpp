#pragma once
// One berth-shim: the parent of one container's init. It creates the container through its
// RuntimeDriver (libberth-runtime in-process, or an external runc-compatible binary), owns its stdio (json-file log + attached clients), answers the
// control socket (protocol.hpp), and records the exit. Single-threaded: one poll() loop.
#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"
#include "shim/exit_status.hpp"
#include "shim/json_log.hpp"
#include "shim/options.hpp"
#include "shim/runtime_driver.hpp"
#include "shim/stdin_feed.hpp"

namespace berth::shim {

// An output sink with its own pending bytes, so one slow client never stalls the container.
struct Client {
    UniqueFd fd;
    bool out = true, err = true;  // which streams it wants
    bool in = false;              // its bytes go to the process's stdin
    bool in_closed = false;       // half-closed by the client
    std::string exec_id;          // empty: attached to the container's init
    std::string pending;          // bytes not yet accepted by the socket
};

// A process started with "exec", a child of the shim.
struct ExecProcess {
    std::string id;
    pid_t pid = 0;
    bool tty = false;
    UniqueFd out, err;  // out is the pty master with a tty
    StdinFeed in;
    bool running = true;
    int exit_code = 0;
};

class Shim {
public:
    explicit Shim(Options options);
    // Creates and starts the container and serves until it has exited; returns the
    // shim's own exit code.
    int run();

private:
    // shim_start.cpp
    void create_container();
    void report_ready(const Json& message);
    void start_container();
    // shim_loop.cpp
    void loop();
    void on_signal();
    void on_output(int stream, int fd);
    void broadcast(const std::string& exec_id, int stream, const char* data, size_t size, bool tty);
    void flush_client(Client& c);
    StdinFeed* stdin_for(const Client& c);
    void finish();
    // shim_control.cpp
    void accept_client();
    void handle_request(UniqueFd fd, const Json& request);
    void on_client_input(Client& c);
    // shim_exec.cpp
    Json start_exec(const Json& request, UniqueFd& connection);
    void on_exec_exit(ExecProcess& e, int status);

    Options opt_;
    std::unique_ptr<RuntimeDriver> runtime_;
    std::unique_ptr<JsonFileLog> log_;
    UniqueFd signal_fd_, listen_fd_, devnull_;
    UniqueFd out_, err_;  // container side: out_ is the pty master with a tty
    StdinFeed stdin_;
    pid_t pid_ = 0;
    bool started_ = false;
    std::optional<ExitStatus> exit_;
    std::vector<std::unique_ptr<Client>> clients_;
    std::map<std::string, std::unique_ptr<ExecProcess>> execs_;
};

}  // namespace berth::shim
