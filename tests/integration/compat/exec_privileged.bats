#!/usr/bin/env bats
# docker exec --privileged in a container that is not: the exec could reach the runtime's binary
# (CAP_SYS_PTRACE), so it must start from a sealed copy of the runtime; the shim runs it through
# berth-runtime instead of re-executing itself (which killed the shim and its container). And a
# shim that ran an exec must fork nothing more into the container's pid namespace: its later
# children's orphans went to the container's init, so their exits were never seen.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "exec --privileged in an unprivileged container: full capabilities, the container lives on" {
  id=$(dk run -d busybox sleep 100)
  remember "$id"
  run dk exec --privileged "$id" sh -c 'grep CapEff /proc/self/status'
  [ "$status" -eq 0 ] || daemon_log
  [ "$output" != "$(dk exec "$id" sh -c 'grep CapEff /proc/self/status')" ]
  [ "$(echo piped | dk exec -i --privileged "$id" cat)" = piped ]
  run dk exec --privileged "$id" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  [ "$(dk inspect -f '{{.State.Status}}' "$id")" = running ]
  dk rm -f "$id"
}

@test "plain and privileged execs mixed: every exit is seen, no zombie in the container" {
  id=$(dk run -d busybox sleep 100)
  remember "$id"
  [ "$(echo a | dk exec -i "$id" cat)" = a ]
  run timeout 60 "$DOCKER" exec --privileged "$id" true
  [ "$status" -eq 0 ]
  [ "$(echo b | timeout 60 "$DOCKER" exec -i --privileged "$id" cat)" = b ]
  run timeout 60 "$DOCKER" exec "$id" sh -c 'exit 3'
  [ "$status" -eq 3 ]
  dk exec -d --privileged "$id" sleep 0.2
  # An exec's parent is the shim, outside the container's pid namespace (ppid 0 inside), and
  # nothing is left unreaped: once the detached sleep has ended (polled), no zombie remains.
  sleep_reaped() { ! dk exec "$id" ps -o stat,args | grep -E '^Z|sleep 0\.2'; }
  poll_until 30 sleep_reaped
  run dk exec "$id" ps -o pid,ppid,stat,args
  echo "$output"
  [[ "$output" != *" Z "* ]]
  [ "$(echo "$output" | awk '$4 == "ps" {print $2}')" = 0 ]
  [ "$(dk inspect -f '{{.State.Status}}' "$id")" = running ]
  dk rm -f "$id"
}
