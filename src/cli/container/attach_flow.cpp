#include "cli/container/attach_flow.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>

#include "cli/commands/command_util.hpp"
#include "cli/stream/terminal.hpp"

namespace berth::cli {

std::unique_ptr<client::Connection> hijack_attach(client::ApiClient& api, const std::string& id,
                                                  const AttachStreams& streams,
                                                  const std::string& detach_keys, bool logs) {
    Query q;
    q.flag("logs", logs);
    q.add("stream", "1");
    q.flag("stdin", streams.in);
    q.flag("stdout", streams.out);
    q.flag("stderr", streams.err);
    q.add_if(!detach_keys.empty(), "detachKeys", detach_keys);
    client::ResponseHead head;
    return api.hijack(container_path(id, "/attach"), q, std::nullopt, head);
}

ExitWaiter::ExitWaiter(client::ApiClient& api, const std::string& id, const std::string& condition)
    : state_(std::make_shared<State>()) {
    state_->api = api.clone();
    thread_ = std::thread([st = state_, id, condition] {
        try {
            std::string body;
            st->api->stream(
                "POST", container_path(id, "/wait"), Query().add("condition", condition),
                [&](std::string_view data) {
                    body.append(data);
                    return true;
                },
                std::nullopt,
                [st](const client::ResponseHead&) {
                    std::lock_guard lock(st->mu);
                    st->head = true;
                    st->cv.notify_all();
                });
            auto doc = Json::parse(body, nullptr, false);
            if (doc.is_discarded())
                throw Error(Errc::internal, "the daemon sent an invalid wait response");
            if (doc.contains("Error") && doc["Error"].is_object() &&
                !doc["Error"].value("Message", "").empty())
                throw Error(Errc::internal, doc["Error"]["Message"].get<std::string>());
            st->status = doc.value("StatusCode", 0);
        } catch (...) {
            st->error = std::current_exception();
        }
        std::lock_guard lock(st->mu);
        st->head = true;
        st->cv.notify_all();
    });
    std::unique_lock lock(state_->mu);
    // Docker's daemon flushes the head as soon as the wait is registered; do not hang if one
    // holds it back.
    state_->cv.wait_for(lock, std::chrono::seconds(2), [this] { return state_->head; });
}

ExitWaiter::~ExitWaiter() {
    // A wait still pending (detached session, failed start) must not block the exit of the
    // process; the thread owns its share of the state.
    if (thread_.joinable()) thread_.detach();
}

int ExitWaiter::status() {
    if (thread_.joinable()) thread_.join();
    if (state_->error) std::rethrow_exception(state_->error);
    return state_->status;
}

void follow_terminal_size(client::ApiClient& api, const std::string& prefix, PumpOptions& pump) {
    if (!is_terminal(STDOUT_FILENO)) return;
    try {
        resize_tty(api, prefix);
    } catch (const std::exception&) {
        // The container may already be gone; the stream tells the rest.
    }
    install_winch_handler();
    pump.on_resize = [&api, prefix] { resize_tty(api, prefix); };
}

void resize_tty(client::ApiClient& api, const std::string& prefix) {
    auto size = window_size(STDOUT_FILENO);
    if (!size || size->rows == 0 || size->cols == 0) return;
    api.call("POST", prefix + "/resize",
             Query().add("h", std::to_string(size->rows)).add("w", std::to_string(size->cols)));
}

int start_error_status(const std::string& message) {
    // Go's errno texts are lower case; a daemon quoting strerror() says "Permission denied".
    std::string m = message;
    for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (m.find("executable file not found") != std::string::npos ||
        m.find("no such file or directory") != std::string::npos)
        return 127;
    if (m.find("permission denied") != std::string::npos ||
        m.find("is a directory") != std::string::npos)
        return 126;
    return 125;
}

void start_signal_proxy(client::ApiClient& api, const std::string& id) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::shared_ptr<client::ApiClient> proxy_api = api.clone();
    std::thread([set, proxy_api, id] {
        for (;;) {
            int sig = 0;
            if (sigwait(&set, &sig) != 0) return;
            try {
                proxy_api->call("POST", container_path(id, "/kill"),
                                Query().add("signal", std::to_string(sig)));
            } catch (const std::exception&) {
                // The container may be gone already; nothing to forward to.
            }
        }
    }).detach();
}

}  // namespace berth::cli
