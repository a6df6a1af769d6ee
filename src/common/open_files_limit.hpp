#pragma once
// berthd's own limit on open files, raised as dockerd's is, and the limit its children get.
//
// Every API connection, container log, shim socket and /proc read costs berthd a descriptor;
// under a login shell's `ulimit -n 1024`, ~1,100 idle connections used them all and a read of
// /proc/<shim>/stat failed. Go (1.19+) raises a program's soft RLIMIT_NOFILE to its hard limit
// at start, so dockerd runs with the hard limit, and its os/exec gives children the soft limit
// the program was started with (so containerd, shims and containers keep 1024 where the host
// set 1024). berth does both: berthd raises its own, and berth-shim (the parent of every
// container process) is told the original soft limit and puts it back before the container
// inherits anything.
#include <sys/resource.h>

namespace berth {

// Raises the soft RLIMIT_NOFILE to the hard limit; remembers the soft limit before. Returns
// false (and changes nothing) if the kernel refuses.
bool raise_open_files_limit();

// The soft limit the process had before raise_open_files_limit(); 0 if it never raised it.
rlim_t original_open_files_soft_limit();

// Sets the soft RLIMIT_NOFILE to `soft` (at most the hard limit); for a child of berthd.
void restore_open_files_soft_limit(rlim_t soft);

}  // namespace berth
