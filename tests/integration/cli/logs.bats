#!/usr/bin/env bats
# `berth logs` -f -t --since --until --tail/-n, stdout and stderr kept apart, TTY logs; the
# docker CLI on the same daemon is the oracle for the rendering. One berthd for the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  b run --name five busybox sh -c 'for i in 1 2 3 4 5; do echo "out $i"; sleep 0.02; echo "err $i" >&2; sleep 0.02; done' \
    >/dev/null 2>&1
}
teardown_file() { cli_teardown_file; }
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

@test "logs: stdout to stdout, stderr to stderr, in order; same bytes as docker logs" {
  run --separate-stderr b logs five
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'out %s\n' 1 2 3 4 5)" ]
  [ "$stderr" = "$(printf 'err %s\n' 1 2 3 4 5)" ]
  cmp <(b logs five 2>/dev/null) <(dk logs five 2>/dev/null)
  cmp <(b logs five 2>&1 >/dev/null) <(dk logs five 2>&1 >/dev/null)
}

@test "logs --tail and -n count lines from the end; 0 gives none; all gives all" {
  # --tail counts log lines of both streams together
  run --separate-stderr b logs --tail 4 five
  [ "$output" = "$(printf 'out 4\nout 5')" ]
  [ "$stderr" = "$(printf 'err 4\nerr 5')" ]
  [ "$(b logs -n 1 five 2>&1)" = "err 5" ]
  [ -z "$(b logs --tail 0 five 2>&1)" ]
  [ "$(b logs --tail all five 2>&1 | wc -l)" -eq 10 ]
  cmp <(b logs --tail 3 five 2>/dev/null) <(dk logs --tail 3 five 2>/dev/null)
}

@test "logs -t prefixes docker's RFC 3339 nano timestamps, identical to docker's" {
  run b logs -t five
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z\ (out|err)\ 1$ ]]
  cmp <(b logs -t five 2>/dev/null) <(dk logs -t five 2>/dev/null)
  cmp <(b logs --timestamps --tail 1 five 2>&1) <(dk logs --timestamps --tail 1 five 2>&1)
}

@test "logs --since and --until select by time: relative, RFC 3339 and unix seconds" {
  # "late" comes only once the test has taken its mid point and touched /tmp/go.
  b run -d --name timed busybox sh -c 'echo early; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo late; sleep 600' >/dev/null
  wait_for 30 bash -c "'$BERTH' -H unix://$SOCK logs timed | grep -q early"
  sleep 0.3
  local mid; mid=$(date +%s.%N)
  sleep 0.3
  b exec timed touch /tmp/go
  wait_for 30 bash -c "'$BERTH' -H unix://$SOCK logs timed | grep -q late"
  [ "$(b logs --since "$mid" timed)" = late ]
  [ "$(b logs --until "$mid" timed)" = early ]
  [ "$(b logs --since "$(date -u -d "@$mid" +%Y-%m-%dT%H:%M:%S.%NZ)" timed)" = late ]
  [ "$(b logs --since 10m timed | tr '\n' ' ')" = "early late " ]
  [ -z "$(b logs --since "$(( ${mid%.*} + 3600 ))" timed)" ]
  cmp <(b logs --since "$mid" timed) <(dk logs --since "$mid" timed)
  run -1 b logs --since yesterday-ish timed
  [[ "$output" == *"yesterday-ish"* ]]
  b rm -f timed >/dev/null
}

@test "logs -f follows new lines and ends when the container exits" {
  # The container goes on (b, c, exit) only once logs -f is following it: /tmp/go.
  local out=$BATS_TEST_TMPDIR/follow.out pid st=0
  b run -d --name follow busybox sh -c 'echo a; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo b; sleep 0.2; echo c' >/dev/null
  "$BERTH" -H "unix://$SOCK" logs -f follow >"$out" 2>&1 3>&- &
  pid=$!
  wait_for 30 grep -qx a "$out" || { kill -KILL "$pid"; false; }
  b exec follow touch /tmp/go
  # It ends by itself when the container exits (30 s is only a ceiling).
  poll_until 30 process_gone "$pid" || { kill -KILL "$pid"; cat "$out"; false; }
  wait "$pid" || st=$?
  [ "$st" -eq 0 ]
  [ "$(cat "$out")" = "$(printf 'a\nb\nc')" ]
  # -f --tail 1 on a running container: the last old line, then what comes after.
  b run -d --name ticker busybox sh -c 'echo old1; echo old2; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo new1; sleep 600' >/dev/null
  wait_for 30 bash -c "'$BERTH' -H unix://$SOCK logs ticker | grep -q old2"
  out=$BATS_TEST_TMPDIR/tail.out
  "$BERTH" -H "unix://$SOCK" logs -f --tail 1 ticker >"$out" 2>&1 3>&- &
  pid=$!
  wait_for 30 grep -qx old2 "$out" || { kill -KILL "$pid"; false; }
  b exec ticker touch /tmp/go
  wait_for 30 grep -qx new1 "$out" || { kill -KILL "$pid"; cat "$out"; false; }
  # still following: the container runs on
  if process_gone "$pid"; then echo "logs -f ended while the container runs" >&2; cat "$out"; false; fi
  kill "$pid"; wait "$pid" || true
  [ "$(cat "$out")" = "$(printf 'old2\nnew1')" ]
  b rm -f follow ticker >/dev/null
}

@test "logs of a TTY container are the raw terminal bytes; errors are docker's" {
  b run -t --name ttylog busybox sh -c 'echo one; echo two >&2' >/dev/null
  run b logs ttylog
  [ "$output" = $'one\r\ntwo\r' ]
  cmp <(b logs ttylog) <(dk logs ttylog)
  b rm ttylog >/dev/null
  run -1 b logs nope-5
  [ "$output" = "Error response from daemon: No such container: nope-5" ]
  run b logs
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "berth: 'berth logs' requires 1 argument" ]
}
