#!/usr/bin/env bats
# process.terminal: the pty master goes to --console-socket, the container gets the slave.
load helpers

setup() {
  setup_bundle
  SOCK=$TEST_DIR/console.sock
  update_config '.process.terminal = true | .process.consoleSize = {"height": 37, "width": 123}'
}
teardown() {
  [ -n "${RECEIVER:-}" ] && kill "$RECEIVER" 2>/dev/null
  teardown_bundle
}

# start_receiver INPUT: console_receiver.py in the background, output in $TEST_DIR/out; it and
# the wait for its socket are bounded at 30 s (ceilings only).
start_receiver() {
  CONSOLE_TIMEOUT=30 python3 "$BATS_TEST_DIRNAME/console_receiver.py" "$SOCK" "$1" >"$TEST_DIR/out" 2>"$TEST_DIR/err" 3>&- &
  RECEIVER=$!
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do [ -S "$SOCK" ] && return 0; sleep 0.01; done
  echo "the console receiver never listened" >&2
  return 1
}

# wait_receiver: its exit status; the output with CRs removed in $output.
wait_receiver() {
  local code=0
  wait "$RECEIVER" || code=$?
  RECEIVER=
  output=$(tr -d '\r' <"$TEST_DIR/out")
  echo "$output"
  cat "$TEST_DIR/err"
  return "$code"
}

@test "terminal: the container's stdio is /dev/pts/0 of consoleSize, input reaches it" {
  set_args sh -c 'read line; echo "got:$line"; tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty'
  start_receiver $'hello\n'
  rt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  wait_receiver
  [[ "$output" == *"got:hello"* ]]
  echo "$output" | grep -qx /dev/pts/0
  echo "$output" | grep -qx "37 123"
  echo "$output" | grep -qx all-tty
  grep -qx "pty: /dev/pts/0" "$TEST_DIR/err"
}

@test "terminal: an interactive shell runs commands written to the master" {
  set_args sh
  start_receiver $'echo $((6*7)); tty\nexit 3\n'
  rt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  wait_receiver
  echo "$output" | grep -qx 42
  echo "$output" | grep -qx /dev/pts/0
}

@test "terminal: the container has a controlling terminal and its own session" {
  set_args sh -c 'cat /proc/self/stat | cut -d" " -f6,7; ls -l /proc/self/fd/0'
  start_receiver ""
  rt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  wait_receiver
  # Field 6 is the session (its own pid: 1), field 7 tty_nr: non-zero.
  local line; line=$(echo "$output" | head -1)
  [ "${line% *}" = 1 ]
  [ "${line#* }" != 0 ]
  [[ "$output" == *"/dev/pts/0"* ]]
}

@test "terminal: create without --console-socket is refused and leaves nothing" {
  # `run` in the foreground serves the terminal itself; create and run -d have nobody to give it to.
  set_args true
  run rt create --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"process.terminal"* ]] || [[ "$output" == *"console-socket"* ]]
  [ -z "$(rt list -q)" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
  run rt run -d --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 1 ]
  [ -z "$(rt list -q)" ]
}
