#!/usr/bin/env bats
# Cross-check against runc: exit codes, signals from outside, and the create/start/state/delete
# life cycle as the command line reports it.
load helpers

setup() { xc_setup; }
teardown() { xc_teardown; }

# xc_wait_status RT STATUS: poll RT's `state` for up to 10 s.
xc_wait_status() {
  local rt=$1 want=$2 now deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    now=$(xc_rt "$rt" state "$(xc_id "$rt")" 2>/dev/null | jq -r .status)
    [ "$now" = "$want" ] && return 0
    sleep 0.01
  done
  echo "# $rt: container never reached $want (now: $now)"
  return 1
}

# xc_wait_output RT TEXT: poll until RT's output file holds TEXT (the container is ready).
xc_wait_output() {
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    grep -q "$2" "$XC_DIR/$1.out" 2>/dev/null && return 0
    sleep 0.01
  done
  echo "# $1: the container never printed $2"
  return 1
}

# xc_run_signalled HOW SIGNAL ARGS...: `run` ARGS in the background under each runtime; once
# it has printed "ready", send SIGNAL from outside, either with the host's kill(1) to the
# container's pid (HOW=host) or with the runtime's own `kill` command (HOW=runtime), then create
# /signalled in the rootfs (a container can wait for it to know the signal has been sent).
# Records the exit status of `run` like xc_run.
xc_run_signalled() {
  local how=$1 sig=$2 rt runner pid code
  shift 2
  for rt in "${XC_RUNTIMES[@]}"; do
    xc_write_config "$rt" "$@"
    xc_cmd "$rt"
    (cd "$XC_DIR/$rt/bundle" && exec timeout 60 "${XC_CMD[@]}" run "$(xc_id "$rt")") \
      > "$XC_DIR/$rt.out" 2>&1 < /dev/null 3>&- &
    runner=$!
    xc_wait_status "$rt" running
    xc_wait_output "$rt" ready
    if [ "$how" = host ]; then
      pid=$(xc_rt "$rt" state "$(xc_id "$rt")" | jq -r .pid)
      [ "$pid" -gt 1 ]
      kill -"$sig" "$pid"
    else
      xc_rt "$rt" kill "$(xc_id "$rt")" "$sig"
    fi
    : > "$XC_DIR/$rt/bundle/rootfs/signalled"
    code=0
    wait "$runner" || code=$?
    echo "exit: $code" >> "$XC_DIR/$rt.out"
  done
}

@test "crosscheck: exit code of exit 3" {
  xc_run sh -c 'exit 3'
  xc_compare
  xc_expect_exit 3
}

@test "crosscheck: exit codes 0 and 1" {
  xc_run true
  xc_compare
  xc_expect_exit 0
  xc_run false
  xc_compare
  xc_expect_exit 1
}

@test "crosscheck: exit code after kill -KILL from outside" {
  xc_run_signalled host KILL sh -c 'echo ready; exec sleep 100'
  xc_compare
  xc_expect_exit 137
}

@test "crosscheck: SIGTERM through the runtime's kill reaches a trapping pid 1" {
  xc_run_signalled runtime TERM sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
  xc_compare
  xc_expect_exit 7
}

@test "crosscheck: pid 1 without a handler ignores SIGTERM sent through the runtime's kill" {
  # It goes on only once the signal has been sent: however slow the machine, it is still
  # running when the signal comes.
  xc_run_signalled runtime TERM sh -c 'echo ready; while [ ! -e /signalled ]; do sleep 0.05; done; echo still alive'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: exit code when the executable is missing" {
  # Both exit 1 for a failure to start (Docker's 127/126 are the engine's mapping).
  # The error text itself may differ.
  xc_run no-such-command
  xc_compare grep -E '^exit: '
}

@test "crosscheck: exit code when the executable cannot be executed" {
  xc_run /etc/passwd
  xc_compare grep -E '^exit: '
  xc_expect_exit 1
}

# The OCI state fields both runtimes report (not ociVersion: runc 1.1.5 reports the 1.0.2-dev
# spec it implements, berth 1.2.0), with the container's id, pid and bundle path made generic.
xc_norm_state() {
  jq -c '{id: (.id | sub("-(runc|berth)$"; "-RT")), status, pid: (.pid > 0),
          bundle: (.bundle | sub("/(runc|berth)/bundle$"; "/RT/bundle")),
          annotations: (.annotations // {})}'
}

@test "crosscheck: create, state, start, state, delete" {
  local rt id
  xc_config '.annotations = {"org.example.xc": "yes"}'
  for rt in "${XC_RUNTIMES[@]}"; do
    id=$(xc_id "$rt")
    xc_write_config "$rt" sh -c 'sleep 0.3'
    {
      local rc=0
      (cd "$XC_DIR/$rt/bundle" && xc_rt "$rt" create "$id" < /dev/null > /dev/null 2>&1 3>&-) || rc=$?
      echo "create: $rc"
      xc_rt "$rt" state "$id" | xc_norm_state
      rc=0; xc_rt "$rt" start "$id" || rc=$?
      echo "start: $rc"
      xc_wait_status "$rt" stopped
      xc_rt "$rt" state "$id" | xc_norm_state
      xc_rt "$rt" list -q
      rc=0; xc_rt "$rt" delete "$id" || rc=$?
      echo "delete: $rc"
      rc=0; xc_rt "$rt" state "$id" > /dev/null 2>&1 || rc=$?
      echo "state after delete: $rc"
      xc_rt "$rt" list -q | wc -l
    } > "$XC_DIR/$rt.out" 2>&1
  done
  xc_compare sed -E 's/-(runc|berth)$/-RT/'
}
