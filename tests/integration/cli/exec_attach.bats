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

# drive PYTHON: runs a pty script with Session importable and BERTH_ARGV set to berth -H ...
drive() {
  PYTHONPATH="$BATS_TEST_DIRNAME" BERTH="$BERTH" SOCK="$SOCK" timeout 60 python3 -c "
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
  run b exec -d box sh -c 'sleep 0.3; echo bg > /tmp/bg-done'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run b exec box cat /tmp/bg-done
  [ "$status" -eq 1 ]   # not yet
  wait_for 5 bash -c "[ \"\$('$BERTH' -H unix://$SOCK exec box cat /tmp/bg-done 2>/dev/null)\" = bg ]"
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
for _ in range(30):
    s.send('stty size\r')
    try:
        s.expect('33 111', timeout=0.3)
        break
    except SystemExit:
        pass
else:
    fail('resize never reached the container')
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
  wait_for 5 state_is detachme exited
  [ "$(b inspect -f '{{.State.ExitCode}}' detachme)" = 5 ]
  b rm detachme
}

@test "attach to a non-tty container streams its output and returns its exit code" {
  b run -d --name talker busybox sh -c 'sleep 0.5; echo one; echo two >&2; sleep 0.3; exit 3'
  run b attach talker
  [ "$status" -eq 3 ]
  [ "${lines[0]}" = one ]
  [ "${lines[1]}" = two ]
  run -1 b attach talker
  [ "$output" = "You cannot attach to a stopped container, start it first" ]
  # --no-stdin with piped input: the input stays out of the container.
  b run -d -i --name reader busybox sh -c 'sleep 0.5; echo alive; sleep 0.5'
  run bash -c "echo should-not-arrive | '$BERTH' -H 'unix://$SOCK' attach --no-stdin reader"
  [ "$status" -eq 0 ]
  [ "$output" = alive ]
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
