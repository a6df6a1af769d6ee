# Waiting without depending on the machine's speed: a condition is polled until a deadline that
# is only a ceiling (generous: a loaded 2-core machine may be many times slower than a
# developer's), and a container's process is signalled only once it has installed its handler.
# Loaded by every directory's helpers.

# poll_until SECONDS CMD...: runs CMD every 0.1 s until it succeeds; once SECONDS of wall time
# have passed, runs it a last time and returns its status.
poll_until() {
  local deadline=$(( SECONDS + $1 )); shift
  while ! "$@"; do
    (( SECONDS < deadline )) || { "$@"; return; }
    sleep 0.1
  done
}

# sig_caught PID SIGNAL [FIELD]: PID has a handler installed for SIGNAL (a name, TERM or
# SIGTERM, or a number): its bit is set in SigCgt of /proc/PID/status (or in FIELD, e.g. SigIgn).
sig_caught() {
  local n=${2#SIG} mask
  [[ $n =~ ^[0-9]+$ ]] || n=$(kill -l "$n") || return 1
  mask=$(awk -v f="${3:-SigCgt}:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null)
  [ -n "$mask" ] && (( (16#$mask >> (n - 1)) & 1 ))
}

# wait_trapped PID SIGNAL...: waits (30 s at most) until PID handles every SIGNAL. A shell that
# is a container's pid 1 ignores a signal it has no handler for, so a signal sent before its
# `trap` ran would be lost; a fixed sleep before sending it is a bet on the machine's speed.
wait_trapped() {
  local pid=$1 sig; shift
  for sig in "$@"; do
    poll_until 30 sig_caught "$pid" "$sig" ||
      { echo "process $pid has no handler for $sig after 30 s: $(grep -s '^Sig' "/proc/$pid/status")" >&2; return 1; }
  done
}

# process_gone PID: PID has exited (it no longer exists, or is a zombie not yet reaped: `kill -0`
# still succeeds on a zombie child of the test's shell).
process_gone() {
  local st
  st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$st" ] || [ "$st" = Z ]
}
