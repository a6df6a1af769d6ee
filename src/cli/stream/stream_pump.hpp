#pragma once
// Copies a hijacked connection both ways: our stdin to the container (half-closing the socket
// at stdin EOF), the container's output to our stdout/stderr — raw with a TTY, demultiplexed
// (stdcopy) without — until the daemon ends the stream or the user types the detach keys.
#include <functional>
#include <string>

#include "client/connection.hpp"

namespace berth::cli {

struct PumpOptions {
    bool tty = false;
    bool send_stdin = false;
    // Bytes that detach (client side); empty for none.
    std::string detach_keys;
    // Called when the local window changes size (SIGWINCH), for POST .../resize.
    std::function<void()> on_resize;
};

struct PumpResult {
    bool detached = false;
};

PumpResult pump_stream(client::Connection& conn, const PumpOptions& options);

// Incremental matcher of the detach sequence over stdin: passes bytes through, holds a partial
// match back until it completes (detach) or breaks (the held bytes go out after all).
class DetachFilter {
  public:
    explicit DetachFilter(std::string keys) : keys_(std::move(keys)) {}
    // Appends what should be forwarded to `out`; returns true when the sequence completed.
    bool feed(const char* data, size_t size, std::string& out);

  private:
    std::string keys_;
    size_t matched_ = 0;
};

}  // namespace berth::cli
