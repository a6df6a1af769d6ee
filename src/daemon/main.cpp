// berthd: the berth daemon. Serves the Docker Engine API on a unix socket.
#include <spdlog/spdlog.h>

#include <malloc.h>
#include <unistd.h>

#include <iostream>

#include "common/error.hpp"
#include "common/open_files_limit.hpp"
#include "daemon/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"

int main(int argc, char** argv) {
    using namespace berth::daemon;
    // glibc gives each thread that allocates its own arena (up to 8 per core) and rarely hands
    // their memory back: for a daemon whose request threads come and go, two arenas hold the
    // same load with a fraction of the resident memory.
    ::mallopt(M_ARENA_MAX, 2);
    ParsedArgs args;
    try {
        args = parse_args(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "berthd: " << e.what() << "\n";
        return 1;
    }
    if (args.exit_code) return *args.exit_code;
    if (::geteuid() != 0)
        std::cerr << "berthd: warning: not running as root; containers will not start\n";
    block_daemon_signals();
    setup_logging(args.config.log_level);
    // Every connection, log and /proc read costs a descriptor: run with the hard limit, as
    // dockerd does (Go raises it); shims give containers back the original soft limit.
    if (!berth::raise_open_files_limit()) spdlog::warn("could not raise the open files limit to its hard limit");
    try {
        return run_daemon(args.config);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
}
