# Shared setup for berthd bats tests: every test gets its own daemon on its own socket, data
# root, exec root and pid file under a short temp dir (unix socket paths are limited to 107
# bytes), and teardown stops that daemon by its pid and removes the dir.
REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
if [ -z "${BERTHD:-}" ]; then
  for b in "$REPO/build/src/daemon/berthd" "$REPO/build-api/src/daemon/berthd"; do
    if [ -x "$b" ]; then BERTHD=$b; break; fi
  done
fi
DOCKER=${DOCKER:-/usr/local/bin/docker}
load ../wait_helpers

setup_dirs() {
  D=$(mktemp -d /tmp/berthd-bats.XXXXXX)
  SOCK=$D/run/berthd.sock
  DATA=$D/data
  EXEC=$D/exec
  PIDFILE=$D/berthd.pid
  LOG=$D/berthd.log
  # An empty daemon.json of our own, so the host's /etc/berth/daemon.json never leaks in.
  CONFIG=$D/daemon.json
  echo '{}' > "$CONFIG"
}

# start_berthd [FLAG...]: starts berthd in the background and waits until /_ping answers.
start_berthd() {
  [ -n "${D:-}" ] || setup_dirs
  "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H "unix://$SOCK" --pidfile "$PIDFILE" \
    --config-file "$CONFIG" "$@" 2>>"$LOG" &
  BERTHD_PID=$!
  local i
  # Bounded at 30 s: a first start makes the busybox image, slow on a loaded machine.
  for i in $(seq 1 600); do
    if curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$BERTHD_PID" 2>/dev/null; then
      echo "berthd exited during startup:" >&2; cat "$LOG" >&2; BERTHD_PID=; return 1
    fi
    sleep 0.05
  done
  echo "berthd did not answer /_ping within 30 s" >&2; cat "$LOG" >&2
  return 1
}

# stop_berthd [SIGNAL]: signals our daemon (TERM by default) and waits for it to exit;
# escalates to KILL after 30 s so a hung daemon cannot outlive the test.
# start_file_berthd: a setup_file's common start: skips unless root with berthd built, then one
# private berthd for the whole file, its variables exported to the tests.
start_file_berthd() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  setup_dirs
  start_berthd
  export D SOCK DATA EXEC PIDFILE LOG CONFIG BERTHD_PID
}

stop_berthd() {
  local sig=${1:-TERM} i
  [ -n "${BERTHD_PID:-}" ] || return 0
  kill "-$sig" "$BERTHD_PID" 2>/dev/null || true
  for i in $(seq 1 600); do
    kill -0 "$BERTHD_PID" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$BERTHD_PID" 2>/dev/null; then
    echo "berthd (pid $BERTHD_PID) ignored SIG$sig for 30 s; killing it" >&2
    kill -KILL "$BERTHD_PID" 2>/dev/null || true
  fi
  wait "$BERTHD_PID" 2>/dev/null || true
  BERTHD_PID=
}

teardown_berthd() {
  stop_berthd
  if [ -n "${D:-}" ]; then
    if [ -n "${BATS_TEST_COMPLETED:-}" ] || [ ! -f "$LOG" ]; then :; else
      echo "--- berthd log ---" >&2; cat "$LOG" >&2
    fi
    rm -rf "$D"
  fi
}

# api PATH [CURL-ARG...]: a request to our daemon over the unix socket.
api() {
  local path=$1; shift
  curl -sS --unix-socket "$SOCK" "$@" "http://berth$path"
}

# dk ARG...: the real docker CLI against our daemon.
dk() { DOCKER_HOST="unix://$SOCK" "$DOCKER" "$@"; }

# req METHOD PATH [BODY]: sets $code and $msg (the "message" of the JSON error body).
req() {
  local method=$1 path=$2 out
  shift 2
  out=$(mktemp "$D/resp.XXXXXX")
  if [ $# -gt 0 ]; then
    code=$(curl -gsS --unix-socket "$SOCK" -X "$method" -H 'Content-Type: application/json' \
      --data-binary "$1" -o "$out" -w '%{http_code}' "http://berth$path")
  else
    code=$(curl -gsS --unix-socket "$SOCK" -X "$method" -o "$out" -w '%{http_code}' "http://berth$path")
  fi
  msg=$(jq -r '.message // empty' "$out" 2>/dev/null || cat "$out")
  rm -f "$out"
}

# expect CODE TEXT METHOD PATH [BODY]: the answer is CODE and its message contains TEXT.
expect() {
  local want=$1 text=$2
  shift 2
  req "$@"
  if [ "$code" != "$want" ] || [[ "$msg" != *"$text"* ]]; then
    echo "$1 $2 ${3:-}: got $code \"$msg\", want $want with \"$text\"" >&2
    return 1
  fi
}
