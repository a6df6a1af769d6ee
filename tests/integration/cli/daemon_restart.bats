#!/usr/bin/env bats
# berthd killed with SIGKILL while containers run, then started again on the same roots:
# containers live on in their shims and are found again, an exit that happened while the
# daemon was down shows its code, logs are intact, and the new daemon can take the socket.
load cli_helpers

setup() { require_berthd; }
teardown() {
  if [ -n "${SOCK:-}" ] && [ -S "$SOCK" ] && [ -n "${BERTHD_PID:-}" ]; then
    for id in $(b ps -aq 2>/dev/null); do b rm -f "$id" >/dev/null 2>&1 || true; done
  fi
  teardown_berthd
}

@test "kill -9 of berthd, then a restart: running containers survive, an exit meanwhile is recorded" {
  b run -d --name live busybox sh -c 'while true; do echo tick; sleep 0.1; done'
  # "dies" exits when the test signals it, while no daemon runs.
  b run -d --name dies busybox sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done'
  local dies; dies=$(b inspect -f '{{.State.Pid}}' dies)
  trapped dies USR1
  wait_for 30 bash -c "'$BERTH' -H unix://$SOCK logs live | grep -q tick"
  stop_berthd KILL
  kill -USR1 "$dies"
  poll_until 30 process_gone "$dies"
  # The new daemon must be able to take the socket: with berthd's fds leaked into the shims
  # the old listening socket stayed open and it refused to start ("another daemon is ...").
  start_berthd
  run b inspect -f '{{.State.Status}}' live
  [ "$output" = running ]
  run b inspect -f '{{.State.Status}} {{.State.ExitCode}}' dies
  [ "$output" = "exited 42" ]
  # The ticks of before, during and after the daemon's absence are all logged.
  wait_for 30 bash -c "[ \$('$BERTH' -H unix://$SOCK logs live | grep -c tick) -ge 5 ]"
  run b exec live echo still-here
  [ "$output" = still-here ]
}
