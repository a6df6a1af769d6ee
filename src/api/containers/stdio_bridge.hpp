#pragma once
// The copy loops of a hijacked attach or exec start: the process's output to the client and,
// when stdin is attached, the client's bytes to the process, watching for the detach keys
// the way dockerd's escape proxy does.
#include <string>
#include <string_view>

#include "api/connection.hpp"
#include "api/containers/container_backend.hpp"

namespace berth::api {

struct BridgeOptions {
    bool forward_stdin = false;
    std::string detach_keys;  // bytes; empty: no detaching
    // The process has a terminal (raw output) but the client asked for stdcopy frames (an
    // exec made with Tty, started with {"Tty": false}): each chunk goes out as a stdout frame.
    bool frame_output = false;
    // The opposite: the process's output comes in stdcopy frames (a non-TTY container's
    // attach) and the client wants the bare bytes (websocket attach).
    bool unframe_output = false;
};

enum class BridgeEnd { output_ended, client_gone, detached };

// Returns when the process's output ends (the shim closes the stream), the client leaves, or
// it typed the detach keys. Does not close `client`.
BridgeEnd bridge_stdio(RawStream& client, StdioStream& process, const BridgeOptions& options);

// Docker's --detach-keys grammar: comma-separated "ctrl-<key>" (a-z, @, [, \, ], ^, _) or
// single characters. Empty spec: Docker's default ctrl-p,ctrl-q. invalid_argument otherwise.
std::string parse_detach_keys(std::string_view spec);

// One frame of Docker's multiplexed stream (stream 0 stdin, 1 stdout, 2 stderr).
std::string mux_frame(int stream, std::string_view payload);

}  // namespace berth::api
