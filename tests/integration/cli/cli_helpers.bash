# The berth CLI under test, and a berthd of our own from the daemon tests' helpers.
load ../daemon/helpers

# The newest build of berth among the build directories (a stale one may linger in another).
if [ -z "${BERTH:-}" ]; then
  BERTH=$(ls -t "$REPO"/build*/src/cli/berth 2>/dev/null | head -n 1)
fi

require_berth() {
  [ -n "${BERTH:-}" ] && [ -x "$BERTH" ] || skip "berth binary not built (set BERTH or build target berth)"
}

require_berthd() {
  require_berth
  [ -n "${BERTHD:-}" ] && [ -x "$BERTHD" ] || skip "berthd binary not built (set BERTHD or build target berthd)"
  start_berthd
}

# b ARG...: berth against our daemon.
b() { "$BERTH" -H "unix://$SOCK" "$@"; }

# --- one berthd per file -------------------------------------------------------------------
# The topic files (lifecycle, ps_format, exec_attach, ...) share one daemon per file to stay
# fast: cli_setup_file starts it, cli_teardown_file removes every container, stops it by pid
# and fails if a mount under the temp dir or a cgroup of a container the file created is left.

cli_setup_file() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  require_berth
  [ -n "${BERTHD:-}" ] && [ -x "$BERTHD" ] || skip "berthd binary not built"
  setup_dirs
  export D SOCK DATA EXEC PIDFILE LOG CONFIG BERTH BERTHD DOCKER
  export T0=$(date +%s)
  # fd 3 is bats' own: a daemon holding it would keep bats waiting after the last test.
  start_berthd </dev/null >/dev/null 3>&-
  export BERTHD_PID
}

# The ids of every container created since the file started, from the daemon's event log
# (curl, not the CLI under test, so a broken `berth events` cannot hide a leak).
created_ids() {
  api "/events?since=$T0&until=$(date +%s)&filters=%7B%22event%22%3A%5B%22create%22%5D%7D" 2>/dev/null |
    jq -r '.id // .Actor.ID // empty' 2>/dev/null
}

cli_teardown_file() {
  [ -n "${D:-}" ] || return 0
  local ids id leaked="" cg=""
  if [ -n "${BERTHD_PID:-}" ] && [ -S "$SOCK" ]; then
    ids=$(created_ids)
    for id in $(b ps -aq --no-trunc 2>/dev/null); do b rm -f "$id" >/dev/null 2>&1 || true; done
  fi
  stop_berthd
  leaked=$(awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  for id in $ids; do
    cg+=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$id" 2>/dev/null)
  done
  local m
  for m in $leaked; do umount -l "$m" 2>/dev/null || true; done
  if [ -z "$leaked" ] && [ -z "$cg" ]; then rm -rf "$D"; else echo "kept $D for inspection" >&2; fi
  [ -z "$leaked" ] || { echo "leaked mounts: $leaked" >&2; return 1; }
  [ -z "$cg" ] || { echo "leaked cgroups: $cg" >&2; return 1; }
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds; fails after SECONDS.
wait_for() {
  local limit=$(( $1 * 10 )) i; shift
  for (( i = 0; i < limit; i++ )); do "$@" && return 0; sleep 0.1; done
  "$@"
}

# state_is NAME STATUS: the container's .State.Status is STATUS.
state_is() { [ "$(b inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = "$2" ]; }

# trapped NAME SIGNAL...: waits (30 s at most) until the container's pid 1 has a handler for
# each SIGNAL: a shell that is pid 1 ignores a signal sent before its `trap` ran.
trapped() { wait_trapped "$(b inspect -f '{{.State.Pid}}' "$1")" "${@:2}"; }

# daemon_log: the tail of the daemon log, for a failing test's output.
daemon_log() { echo "--- berthd log ---"; tail -n 40 "$LOG"; }

# same_output ARGS...: `berth ARGS` and `docker ARGS` print the same; tried three times, since a
# clock second may tick between the two ("2 seconds ago" -> "3 seconds ago").
same_output() {
  local try bout dout
  for try in 1 2 3; do
    bout=$(b "$@" 2>&1) || { echo "berth failed: $bout" >&2; return 1; }
    dout=$(dk "$@" 2>&1) || { echo "docker failed: $dout" >&2; return 1; }
    [ "$bout" = "$dout" ] && return 0
  done
  diff <(echo "$bout") <(echo "$dout") >&2
  return 1
}

# same_error ARGS...: berth and docker fail alike: the same non-zero exit code and the same
# message, with "docker" read as "berth".
same_error() {
  local bout dout bst dst
  bout=$(b "$@" 2>&1) && bst=0 || bst=$?
  dout=$(dk "$@" 2>&1) && dst=0 || dst=$?
  dout=${dout//docker/berth}
  [ "$bst" = "$dst" ] && [ "$bout" = "$dout" ] && [ "$bst" -ne 0 ] && return 0
  printf 'berth (%s): %s\ndocker (%s): %s\n' "$bst" "$bout" "$dst" "$dout" >&2
  return 1
}
