#pragma once
// The two ways a request fails that the CLI reports differently: the daemon is not there at all
// (say how to start it), or it answered with an error status (print its message as Docker does:
// "Error response from daemon: ...").
#include <string>

#include "common/error.hpp"

namespace berth::client {

class ConnectError : public Error {
  public:
    ConnectError(const std::string& host_url, const std::string& detail);
    const std::string& detail() const noexcept { return detail_; }

  private:
    std::string detail_;
};

class DaemonError : public Error {
  public:
    DaemonError(int status, std::string message);
    int status() const noexcept { return status_; }

  private:
    int status_;
};

// 404 -> not_found, 409 -> conflict, 400 -> invalid_argument, 401/403 -> permission_denied,
// 503 -> unavailable, anything else -> internal: the inverse of the daemon's mapping.
Errc errc_from_status(int status);

// The message of a Docker error body `{"message": "..."}`; the body itself when it is not one.
std::string message_from_body(const std::string& body, int status);

}  // namespace berth::client
