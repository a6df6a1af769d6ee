#pragma once
// Receiving a descriptor over a unix socket (SCM_RIGHTS): the pty master the container's
// init or an exec process sends to its console socket.
#include "common/unique_fd.hpp"

namespace berth::shim {

// Blocks until a message with a descriptor arrives; throws berth::Error on EOF or failure.
UniqueFd receive_fd(int socket);

}  // namespace berth::shim
