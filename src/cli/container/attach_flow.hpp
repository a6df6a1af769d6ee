#pragma once
// The pieces `run`, `start -a`, `attach` and `exec` share: hijacking the attach endpoint, a wait
// request running in the background from before the start until the exit, TTY resizing, and
// Docker's exit status for a failed start (126 cannot invoke, 127 not found, else 125).
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/stream/stream_pump.hpp"
#include "client/api_client.hpp"
#include "client/connection.hpp"

namespace berth::cli {

struct AttachStreams {
    bool in = false, out = false, err = false;
};

std::unique_ptr<client::Connection> hijack_attach(client::ApiClient& api, const std::string& id,
                                                  const AttachStreams& streams,
                                                  const std::string& detach_keys,
                                                  bool logs = false);

// POST /containers/{id}/wait?condition=... on its own connection and thread. The constructor
// returns once the daemon answered the head (the wait is registered) or after a short grace.
class ExitWaiter {
  public:
    ExitWaiter(client::ApiClient& api, const std::string& id, const std::string& condition);
    ~ExitWaiter();
    ExitWaiter(const ExitWaiter&) = delete;
    ExitWaiter& operator=(const ExitWaiter&) = delete;
    // The container's exit status; rethrows a failed wait.
    int status();

  private:
    // Shared with the waiting thread: when the waiter is destroyed before the wait ends (a
    // failed start, a detached session), the detached thread keeps what it writes alive.
    struct State {
        std::unique_ptr<client::ApiClient> api;
        std::mutex mu;
        std::condition_variable cv;
        bool head = false;
        int status = 0;
        std::exception_ptr error;
    };
    std::shared_ptr<State> state_;
    std::thread thread_;
};

// Sends the local terminal's size to `prefix` + "/resize" (prefix: /containers/ID or /exec/ID).
void resize_tty(client::ApiClient& api, const std::string& prefix);
// When stdout is a terminal: sends its size now and on every SIGWINCH (through pump.on_resize).
void follow_terminal_size(client::ApiClient& api, const std::string& prefix, PumpOptions& pump);

// docker/cli toStatusError: 127 for a missing executable, 126 for one that cannot run, else 125.
int start_error_status(const std::string& message);

// Forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to the container (docker's --sig-proxy) from a
// dedicated thread; the signals are blocked in the calling thread first.
void start_signal_proxy(client::ApiClient& api, const std::string& id);

}  // namespace berth::cli
