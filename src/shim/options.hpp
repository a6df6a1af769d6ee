#pragma once
// berth-shim's command line, as the engine writes it:
//   berth-shim --id ID --bundle DIR --root RUNTIME_ROOT --shim-dir DIR --log PATH
//              [--log-max-size 10m] [--log-max-file 3] [--stdin] [--stdin-once] [--tty]
//              [--height H --width W] [--notify SOCKET] [--ready-fd N] [--runtime-binary PATH]
//              [--sealed-exec-runtime PATH] [--nofile-soft N]
// --ready-fd: a pipe the shim writes one JSON line to once the container is created
// ({"pid": N}) or failed ({"error": "...", "exit_code": 127}), then closes.
#include <string>
#include <vector>

#include "shim/json_log.hpp"

namespace berth::shim {

struct Options {
    std::string id;
    std::string bundle;
    std::string runtime_root;
    std::string shim_dir;
    std::string log_path;
    LogOptions log;
    bool stdin_open = false;
    bool stdin_once = false;
    bool tty = false;
    unsigned height = 0, width = 0;
    std::string notify_socket;
    // An external runc-compatible runtime to drive instead of libberth-runtime in-process
    // (runtime_driver.hpp); runtime_root is then that runtime's --root.
    std::string runtime_binary;
    // With the in-process runtime: berth-runtime, which runs an exec that could reach the
    // runtime's image (a CAP_SYS_PTRACE exec, CVE-2019-5736) from a sealed copy of itself.
    // The shim cannot re-execute itself for that mid-life (runtime/self_protect.hpp).
    std::string sealed_exec_runtime;
    int ready_fd = -1;
    // Fork once at start and let the first process exit: the shim is then nobody's child but
    // init's (or a subreaper's), while the daemon spawns it cheaply (posix_spawn, no fork of
    // the daemon itself) and reaps only the short-lived first process.
    bool detach = false;
    // The soft RLIMIT_NOFILE berthd was started with (it raised its own to the hard limit):
    // the shim puts it back first, so the container gets it, as dockerd's containers get the
    // limit dockerd was started with. 0: leave the inherited one.
    unsigned long nofile_soft = 0;

    std::vector<std::string> to_args() const;  // without argv[0]
};

// Throws invalid_argument naming the bad flag.
Options parse_options(const std::vector<std::string>& args);

}  // namespace berth::shim
