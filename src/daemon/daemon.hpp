#pragma once
// berthd's life: set up roots, pid file and listeners, serve until SIGTERM/SIGINT, then shut
// down in order (stop accepting, end streams, remove socket and pid file).
#include "daemon/config.hpp"

namespace berth::daemon {

// Returns the process exit code. Signals must already be blocked in the calling thread
// (block_daemon_signals) so every thread started here inherits the mask.
int run_daemon(const Config& config);

// Blocks SIGTERM, SIGINT and SIGHUP (delivered through sigwait instead) and ignores SIGPIPE.
void block_daemon_signals();

}  // namespace berth::daemon
