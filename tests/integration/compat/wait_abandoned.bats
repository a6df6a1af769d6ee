#!/usr/bin/env bats
# `docker run -d` posts a wait (condition next-exit) and leaves without reading it. dockerd
# cancels such a wait with its request; berthd must too, or every detached run would hold a
# thread and a socket until its container exits.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "waits whose client left end: 20 docker run -d leave no threads or sockets behind" {
  base_fds=$(ls /proc/"$BERTHD_PID"/fd | wc -l)
  for i in $(seq 1 20); do remember "$(dk run -d busybox sleep 100)"; done
  # A waiter notices its client left (within about a second; polled, 30 s at most).
  fds_back() { [ "$(ls /proc/"$BERTHD_PID"/fd | wc -l)" -lt $((base_fds + 10)) ]; }
  poll_until 30 fds_back || true
  fds=$(ls /proc/"$BERTHD_PID"/fd | wc -l)
  [ "$fds" -lt $((base_fds + 10)) ] || { echo "fds $base_fds -> $fds"; ss -xp | grep "pid=$BERTHD_PID,"; false; }
  # An attached wait is not cut short: docker run without -d still gets its exit code.
  run dk run --rm busybox sh -c 'sleep 2; exit 4'
  [ "$status" -eq 4 ]
  dk rm -f $(dk ps -aq) >/dev/null
}
