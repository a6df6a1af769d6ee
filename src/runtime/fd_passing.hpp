#pragma once
// Passing a descriptor over a unix socket (SCM_RIGHTS): a pty master from the container's
// init or an exec process to whoever holds the console socket (runc's --console-socket
// protocol: one message, the payload a name, one descriptor). The one implementation for
// the runtime's console proxy, its init and berth-shim.
#include "common/unique_fd.hpp"

namespace berth::runtime {

// Sends fd with `name` as the payload. Async-signal-safe (no allocation): the container's
// init calls it between clone and execve. false with errno set on failure.
bool send_fd(int socket, int fd, const char* name) noexcept;

// Blocks until a message arrives and returns its descriptor (close-on-exec). Throws
// berth::Error naming `what` on failure, on EOF, or when the message carries no descriptor.
UniqueFd receive_fd(int socket, const char* what);

}  // namespace berth::runtime
