#!/usr/bin/env bats
# berth run/exec/ps/logs/rm against a berthd of the test's own: real containers through the
# berth CLI, with Docker's exit codes.
load cli_helpers
bats_require_minimum_version 1.5.0

setup() { require_berthd; }
teardown() {
  if [ -n "${SOCK:-}" ] && [ -S "$SOCK" ]; then
    for id in $(b ps -aq 2>/dev/null); do b rm -f "$id" >/dev/null 2>&1 || true; done
  fi
  teardown_berthd
}

@test "berth run --rm busybox echo hello" {
  run b run --rm busybox echo hello
  [ "$status" -eq 0 ]
  [ "$output" = hello ]
  [ -z "$(b ps -aq)" ]
}

@test "berth run: the container's exit code, and Docker's 127 for a missing executable" {
  run b run --rm busybox sh -c 'exit 7'
  [ "$status" -eq 7 ]
  # A failed start used to crash the CLI (a detached wait thread wrote into freed memory).
  for _ in 1 2 3; do
    run -127 b run --rm busybox no-such-command
    [ "$status" -eq 127 ]
    [[ "$output" == *'executable file not found in $PATH'* ]]
  done
}

@test "berth run -d, ps, logs, exec, stop, rm" {
  run b run -d --name web busybox sh -c 'echo started; sleep 100'
  [ "$status" -eq 0 ]
  run b ps --format '{{.Names}}'
  [ "$output" = web ]
  wait_for 30 bash -c "[ \"\$('$BERTH' -H unix://$SOCK logs web)\" = started ]"
  run b exec web sh -c 'echo in-exec'
  [ "$status" -eq 0 ]
  [ "$output" = in-exec ]
  run b stop -t 1 web
  [ "$status" -eq 0 ]
  [ "$(b inspect -f '{{.State.ExitCode}}' web)" = 137 ]
  run b rm web
  [ "$status" -eq 0 ]
  [ -z "$(b ps -aq)" ]
}

@test "berth run -i passes stdin; -e and --memory reach the container" {
  run bash -c "echo piped | '$BERTH' -H 'unix://$SOCK' run --rm -i busybox cat"
  [ "$status" -eq 0 ]
  [ "$output" = piped ]
  run b run --rm -e FOO=bar --memory 64m busybox sh -c 'echo $FOO; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = bar ]
  [ "${lines[1]}" = 67108864 ]
}
