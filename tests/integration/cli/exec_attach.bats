#!/usr/bin/env bats
# exec (-d -i -t -e -u -w), attach, and `run -it` through a real pseudo-terminal (python's pty
# module, see pty_session.py): typing, ctrl-p ctrl-q detach, re-attach, window resizes. One
# berthd for the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  b run -d --name box busybox sleep 300 >/dev/null
}
teardown_file() { cli_teardown_file; }
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

# attach_in_background OUT ARG...: `berth attach ARG...` (the container's name last) in the
# background, its output in OUT, its pid in ATTACH_PID; returns once the container's shim holds
# the attach (one more open socket than before), so what the container prints from then on
# reaches it however slow the machine is.
attach_in_background() {
  local out=$1 name=${!#} shim n0
  shift
  shim=$(cat "$EXEC/shims/$(b inspect -f '{{.Id}}' "$name")/shim.pid")
  n0=$(ls "/proc/$shim/fd" | wc -l)
  "$BERTH" -H "unix://$SOCK" attach "$@" >"$out" 2>&1 3>&- </dev/null &
  ATTACH_PID=$!
  wait_for 30 bash -c "[ \$(ls /proc/$shim/fd | wc -l) -gt $n0 ]"
}

# drive PYTHON: runs a pty script with Session importable and BERTH_ARGV set to berth -H ...
drive() {
  PYTHONPATH="$BATS_TEST_DIRNAME" BERTH="$BERTH" SOCK="$SOCK" timeout 180 python3 -c "
import os
from pty_session import Session, fail
BERTH = [os.environ['BERTH'], '-H', 'unix://' + os.environ['SOCK']]
$1"
}

@test "exec runs in the container with its exit code; -e, -u, -w" {
  run b exec box sh -c 'echo out; echo err >&2; exit 6'
  [ "$status" -eq 6 ]
  [ "${lines[0]}" = out ]
  [ "${lines[1]}" = err ]
  X=from-host run b exec -e A=1 -e X -u 1234:5678 -w /etc box sh -c 'echo "$A $X"; id -u; id -g; pwd'
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "1 from-host 1234 5678 /etc" ]
  run b exec -u nobody box id -un
  [ "$output" = nobody ]
}

@test "exec -i passes stdin; without -i stdin is not read" {
  run bash -c "printf 'line1\nline2\n' | '$BERTH' -H 'unix://$SOCK' exec -i box sh -c 'wc -l'"
  [ "$status" -eq 0 ]
  [ "$output" = 2 ]
  run bash -c "echo ignored | '$BERTH' -H 'unix://$SOCK' exec box sh -c 'cat; echo done'"
  [ "$output" = done ]
}

@test "exec -d returns at once and the command runs in the background" {
  # The background command writes its file only once the test has seen it is not there yet.
  run b exec -d box sh -c 'while [ ! -e /tmp/bg-go ]; do sleep 0.1; done; echo bg > /tmp/bg-done'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run b exec box cat /tmp/bg-done
  [ "$status" -eq 1 ]   # not yet
  b exec box touch /tmp/bg-go
  wait_for 30 bash -c "[ \"\$('$BERTH' -H unix://$SOCK exec box cat /tmp/bg-done 2>/dev/null)\" = bg ]"
}

@test "exec -t allocates a terminal; exec errors use docker's exit codes" {
  run b exec -t box sh -c 'tty'
  [ "$status" -eq 0 ]
  [[ "$output" == /dev/pts/* ]]
  run -127 b exec box no-such-binary
  [[ "$output" == *"executable file not found"* ]]
  run -126 b exec box /etc
  [[ "$output" == *"permission denied"* ]]
  b create --name idle busybox true >/dev/null
  run -1 b exec idle true
  [[ "$output" == *"is not running"* ]]
  run -1 b exec nope-4 true
  [ "$output" = "Error response from daemon: No such container: nope-4" ]
  run -1 b exec -it box true </dev/null
  [[ "$output" == *"the input device is not a TTY"* ]]
  b rm idle
}

@test "run -it: typing reaches sh, the window size is the terminal's and follows a resize" {
  drive "
s = Session(BERTH + ['run', '-it', '--rm', 'busybox', 'sh'], rows=24, cols=80)
s.expect('# ')
s.send('echo he\"\"llo\r')
s.expect('hello')
s.send('stty size\r')
s.expect('24 80')
s.resize(33, 111)       # SIGWINCH to berth, which tells the daemon
import time
deadline = time.monotonic() + 30
while True:
    s.send('stty size\r')
    try:
        s.expect('33 111', timeout=0.5)
        break
    except SystemExit:
        if time.monotonic() > deadline: fail('resize never reached the container')
s.send('exit 4\r')
status = s.wait()
if status != 4: fail('exit status %r' % status)
"
}

@test "stty in the outer terminal sets the container's size (script -qec)" {
  command -v script >/dev/null || skip "no script(1)"
  run timeout 30 script -qec "stty rows 21 cols 77; '$BERTH' -H 'unix://$SOCK' run -it --rm busybox stty size" /dev/null
  [ "$status" -eq 0 ]
  # the size is there from the start (ConsoleSize in the create), and the outer terminal is
  # raw on output too: one CR, as docker's client leaves it, not "\r\r\n"
  # (script(1) itself may echo a "^@" into the transcript when its own stdin is at EOF)
  output=${output//^@/}
  [ "${output%$'\n'}" = $'21 77\r' ] || { printf '%q\n' "$output"; return 1; }
}

@test "ctrl-p ctrl-q detaches, the container keeps running, attach re-attaches" {
  drive "
s = Session(BERTH + ['run', '-it', '--name', 'detachme', 'busybox', 'sh'])
s.expect('# ')
s.send('echo first-session\r')
s.expect('first-session')
s.send('\x10\x11')      # ctrl-p ctrl-q
status = s.wait()
if status != 0: fail('detach exit status %r' % status)
"
  state_is detachme running
  drive "
s = Session(BERTH + ['attach', 'detachme'])
s.send('echo second-session\r')
s.expect('second-session')
s.send('exit 5\r')
status = s.wait()
if status != 5: fail('attach exit status %r' % status)
"
  wait_for 30 state_is detachme exited
  [ "$(b inspect -f '{{.State.ExitCode}}' detachme)" = 5 ]
  b rm detachme
}

@test "attach to a non-tty container streams its output and returns its exit code" {
  # The container prints only once the attach is in place (/tmp/go), then exits.
  local out=$BATS_TEST_TMPDIR/attach.out st=0
  b run -d --name talker busybox sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; echo one; echo two >&2; sleep 0.3; exit 3'
  attach_in_background "$out" talker
  b exec talker touch /tmp/go
  poll_until 30 process_gone "$ATTACH_PID" || { kill -KILL "$ATTACH_PID"; false; }
  wait "$ATTACH_PID" || st=$?
  cat "$out"
  [ "$st" -eq 3 ]
  run cat "$out"
  [ "${lines[0]}" = one ]
  [ "${lines[1]}" = two ]
  run -1 b attach talker
  [ "$output" = "You cannot attach to a stopped container, start it first" ]
  # --no-stdin with piped input: the input stays out of the container.
  b run -d -i --name reader busybox sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; echo alive; sleep 0.5'
  local shim n0
  shim=$(cat "$EXEC/shims/$(b inspect -f '{{.Id}}' reader)/shim.pid")
  n0=$(ls "/proc/$shim/fd" | wc -l)
  out=$BATS_TEST_TMPDIR/reader.out st=0
  bash -c "echo should-not-arrive | '$BERTH' -H 'unix://$SOCK' attach --no-stdin reader" >"$out" 2>&1 3>&- &
  local pid=$!
  wait_for 30 bash -c "[ \$(ls /proc/$shim/fd | wc -l) -gt $n0 ]"
  b exec reader touch /tmp/go
  poll_until 30 process_gone "$pid" || { kill -KILL "$pid"; false; }
  wait "$pid" || st=$?
  [ "$st" -eq 0 ]
  [ "$(cat "$out")" = alive ]
  b rm talker reader
}

@test "exec -it through a pty: a shell in the running container, exit code back" {
  drive "
s = Session(BERTH + ['exec', '-it', '-e', 'PS1=in-exec> ', 'box', 'sh'], rows=40, cols=120)
s.expect('in-exec> ')
s.send('stty size; tty\r')
s.expect('40 120')
s.expect('/dev/pts/')
s.send('exit 2\r')
status = s.wait()
if status != 2: fail('exec exit status %r' % status)
"
}

@test "--detach-keys: a custom sequence detaches run -it" {
  drive "
s = Session(BERTH + ['run', '-it', '--detach-keys', 'ctrl-x,x', '--name', 'ckeys', 'busybox', 'sh'])
s.expect('# ')
s.send('\x18x')
status = s.wait()
if status != 0: fail('exit status %r' % status)
"
  state_is ckeys running
  b rm -f ckeys
}
