#include "shim/exit_status.hpp"

#include <sys/wait.h>


#include "common/file_util.hpp"
#include "shim/protocol.hpp"
#include "common/time_format.hpp"

namespace berth::shim {

Json ExitStatus::to_json() const {
    Json j = {{"exit_code", exit_code}, {"signal", signal}, {"oom_killed", oom_killed}, {"finished_at", finished_at}};
    if (!error.empty()) j["error"] = error;
    return j;
}

ExitStatus ExitStatus::from_json(const Json& j) {
    ExitStatus s;
    s.exit_code = j.value("exit_code", 0);
    s.signal = j.value("signal", 0);
    s.oom_killed = j.value("oom_killed", false);
    s.finished_at = j.value("finished_at", "");
    s.error = j.value("error", "");
    return s;
}

ExitStatus ExitStatus::from_wait_status(int status) {
    ExitStatus s;
    if (WIFSIGNALED(status)) {
        s.signal = WTERMSIG(status);
        s.exit_code = 128 + s.signal;
    } else {
        s.exit_code = WEXITSTATUS(status);
    }
    s.finished_at = rfc3339_nano_now();
    return s;
}

void write_exit_status(const std::string& dir, const ExitStatus& status) {
    // /run is tmpfs: atomic rename is what matters, an fsync buys nothing there.
    write_file_atomic(dir + "/" + kExitFile, status.to_json().dump(), 0644, Durability::none);
}

std::optional<ExitStatus> read_exit_status(const std::string& dir) {
    auto text = read_file_if_exists(dir + "/" + kExitFile);
    if (!text) return std::nullopt;
    return ExitStatus::from_json(parse_json(*text, dir + "/" + kExitFile));
}

}  // namespace berth::shim
