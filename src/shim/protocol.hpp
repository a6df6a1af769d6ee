#pragma once
// The berth-shim control protocol, spoken over <shim dir>/control.sock (a unix stream socket).
//
// A client connects and sends ONE request: a 4-byte big-endian length, then that many bytes
// of JSON. The shim answers with one message in the same framing:
//   {"ok": true, ...}  or  {"ok": false, "error": "message", "code": "not_found"|...}
// Requests:
//   {"op": "status"}                      -> {"ok", "pid", "status": "running"|"exited", "exit": {...}?}
//   {"op": "kill", "signal": 15, "all": false}
//   {"op": "kill", "signal": 9, "exec": "<exec id>"}   signals a running exec's process group
//   {"op": "resize", "height": 24, "width": 80, "exec": "<exec id>"?}
//   {"op": "attach", "stdin": true, "stdout": true, "stderr": true}
//   {"op": "exec", "exec": "<exec id>", "process": {OCI process}, "stdin": bool, "detach": bool}
//                                         -> {"ok", "pid"}
//   {"op": "exec_status", "exec": "<exec id>"} -> {"ok", "running", "pid", "exit_code"?}
// After a successful "attach" or attached "exec" the connection carries raw streams:
//   shim -> client: the process's output. Without a tty, each chunk is framed as Docker's
//     multiplexed stream ([stream 1|2, 0, 0, 0, big-endian uint32 size] + payload), so the
//     daemon can copy it to an API client unchanged; with a tty, raw bytes.
//   client -> shim: bytes for the process's stdin (when requested); the client's half-close
//     (shutdown(SHUT_WR)) closes the process's stdin.
// The shim closes the connection when the process's output ends. For an exec, its exit code
// is then available through "exec_status".
//
// Exit notification: when the container's init exits the shim writes exit.json atomically in
// its directory and sends one datagram {"id", "exit_code", "oom_killed", "finished_at"} to the
// notify socket (a unix datagram socket of the daemon), if one was given and is there.
#include <cstdint>
#include <optional>
#include <string>

#include "common/json_reader.hpp"

namespace berth::shim {

constexpr const char* kControlSocket = "control.sock";
constexpr const char* kExitFile = "exit.json";
constexpr const char* kPidFile = "shim.pid";
constexpr uint32_t kMaxMessage = 1 << 20;

// Blocking framed I/O on a stream socket. read_message returns nullopt on a clean EOF before
// any byte; throws berth::Error on short reads, oversize or bad JSON.
void write_message(int fd, const Json& message);
std::optional<Json> read_message(int fd);

// Docker's multiplexed stream header for `stream` (0 stdin, 1 stdout, 2 stderr).
void frame_header(unsigned char out[8], int stream, uint32_t size);

// Client side: connects to <shim_dir>/control.sock (not_found/unavailable when no shim
// answers), sends `request`, reads the reply and throws berth::Error for {"ok": false}.
// With keep_open the connected fd is returned in *stream for the raw phase.
Json call(const std::string& shim_dir, const Json& request, int* stream = nullptr, int timeout_ms = 10000);

}  // namespace berth::shim
