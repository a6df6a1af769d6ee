# Compatibility suite: the real docker CLI against berthd. Each .bats file starts one berthd
# in setup_file (own data root, exec root, socket and pid file under a short temp dir; unix
# socket paths are limited to 107 bytes) and stops it by pid in teardown_file, after removing
# every container and checking that no mount under the temp dir and no container cgroup is
# left behind.
REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
if [ -z "${BERTHD:-}" ]; then
  for b in "$REPO/build/src/daemon/berthd" "$REPO/build-wire/src/daemon/berthd"; do
    if [ -x "$b" ]; then BERTHD=$b; break; fi
  done
fi
DOCKER=${DOCKER:-/usr/local/bin/docker}
load ../wait_helpers

# compat_setup_file [FLAG...]: the flags go to berthd.
compat_setup_file() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  [ -x /bin/busybox ] || skip "no /bin/busybox for the embedded image"
  D=$(mktemp -d /tmp/bcompat.XXXXXX)
  export D SOCK=$D/s.sock PIDFILE=$D/berthd.pid LOG=$D/berthd.log
  echo '{}' > "$D/daemon.json"
  compat_start_berthd "$@" || return 1
  export DOCKER_HOST="unix://$SOCK"
  "$DOCKER" image inspect busybox:latest >/dev/null || { cat "$LOG" >&2; return 1; }
}

# compat_start_berthd [FLAG...]: starts berthd on this file's dirs with extra daemon flags
# (setup_file passes its arguments here; a test may call it again after stopping berthd) and
# waits until it answers. Sets BERTHD_PID.
compat_start_berthd() {
  "$BERTHD" --data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" --pidfile "$PIDFILE" \
    --config-file "$D/daemon.json" "$@" 2>>"$LOG" &
  export BERTHD_PID=$!
  local i
  # Bounded at 30 s: a first start makes the busybox image, slow on a loaded machine.
  for i in $(seq 1 600); do
    if curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null 2>&1; then return 0; fi
    kill -0 "$BERTHD_PID" 2>/dev/null || { cat "$LOG" >&2; return 1; }
    sleep 0.05
  done
  echo "berthd did not answer on $SOCK within 30 s" >&2
  return 1
}

compat_teardown_file() {
  [ -n "${D:-}" ] || return 0
  local ids leaked=""
  ids=$("$DOCKER" ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
  if [ -n "${BERTHD_PID:-}" ]; then
    kill -TERM "$BERTHD_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 600); do kill -0 "$BERTHD_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$BERTHD_PID" 2>/dev/null && kill -KILL "$BERTHD_PID" 2>/dev/null
  fi
  # Whatever is still mounted under our dir is a leak: report it, then clean it up.
  leaked=$(awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  local m
  for m in $leaked; do umount -l "$m" 2>/dev/null || true; done
  local cg=""
  for id in $(cat "$D/ids" 2>/dev/null); do
    cg+=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*${id}*" 2>/dev/null)
  done
  if [ -z "$leaked" ] && [ -z "$cg" ]; then rm -rf "$D"; fi
  [ -z "$leaked" ] || { echo "leaked mounts: $leaked" >&2; return 1; }
  [ -z "$cg" ] || { echo "leaked cgroups: $cg" >&2; return 1; }
}

# dk ARG...: the docker CLI against this file's berthd.
dk() { "$DOCKER" "$@"; }

# remember ID: records a container id for the cgroup leak check.
remember() { echo "$1" >> "$D/ids"; }

# daemon_log: berthd's log, for failure messages.
daemon_log() { echo "--- berthd log ---"; tail -n 40 "$LOG"; }
