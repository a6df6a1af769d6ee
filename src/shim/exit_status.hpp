#pragma once
// The exit record a shim leaves in its directory (exit.json) when the container's init exits.
// The daemon reads it when the notification did not reach it (it was down or restarting).
#include <optional>
#include <string>

#include "common/json_reader.hpp"

namespace berth::shim {

struct ExitStatus {
    int exit_code = 0;          // the code, or 128 + signal number
    int signal = 0;             // the terminating signal, 0 for a normal exit
    bool oom_killed = false;
    std::string finished_at;    // RFC 3339 with nanoseconds (UTC)
    std::string error;          // set when the container never started

    Json to_json() const;
    static ExitStatus from_json(const Json& json);
    // From a waitpid() status.
    static ExitStatus from_wait_status(int status);
};

// Atomic write (temp + rename) of <dir>/exit.json; nullopt from read when there is none.
void write_exit_status(const std::string& dir, const ExitStatus& status);
std::optional<ExitStatus> read_exit_status(const std::string& dir);

}  // namespace berth::shim
