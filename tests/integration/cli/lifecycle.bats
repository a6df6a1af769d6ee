#!/usr/bin/env bats
# create, start (-a -i), stop, restart, kill (-s), rm (-f -v), wait, rename, pause, unpause,
# top and stats through the berth CLI; the real docker CLI on the same daemon is the oracle for
# wording. One berthd for the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() { cli_setup_file; }
teardown_file() { cli_teardown_file; }
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

@test "create prints the id; the container is Created until start; start prints its name" {
  run b create --name made busybox sh -c 'echo from-made; exit 4'
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  local id=$output
  [ "$(b ps -a --filter name=made --format '{{.ID}} {{.State}} {{.Status}}')" = "${id:0:12} created Created" ]
  run b start made
  [ "$status" -eq 0 ]
  [ "$output" = made ]
  run b wait made
  [ "$output" = 4 ]
  [ "$(b logs made)" = from-made ]
  # start -a streams the output and exits with the container's code.
  run b start -a made
  [ "$status" -eq 4 ]
  [ "$output" = from-made ]
  b rm made
  run -1 b start no-such-ctr
  [ "${lines[0]}" = "Error response from daemon: No such container: no-such-ctr" ]
  [ "${lines[1]}" = "Error: failed to start containers: no-such-ctr" ]
}

@test "start -a -i feeds stdin to a container created with -i" {
  b create -i --name cat1 busybox sh -c 'read line; echo "got $line"; exit 2'
  run bash -c "echo hello | '$BERTH' -H 'unix://$SOCK' start -a -i cat1"
  [ "$status" -eq 2 ]
  [ "$output" = "got hello" ]
  # -i alone attaches too (as docker's start -i).
  run bash -c "echo again | '$BERTH' -H 'unix://$SOCK' start -i cat1"
  [ "$status" -eq 2 ]
  [ "$output" = "got again" ]
  b rm cat1
}

@test "stop: SIGTERM handled gives its code, ignored is killed after -t (137); stopped is a no-op" {
  b run -d --name polite busybox sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
  b run -d --name stubborn busybox sleep 60
  wait_for 30 state_is polite running
  trapped polite TERM
  run b stop polite
  [ "$status" -eq 0 ]
  [ "$output" = polite ]
  [ "$(b inspect -f '{{.State.ExitCode}}' polite)" = 9 ]
  local t0=$SECONDS
  run b stop -t 1 stubborn
  [ "$status" -eq 0 ]
  # -t 1 is honoured: killed after 1 s, well before the default 10 s (slack for a loaded machine).
  [ $(( SECONDS - t0 )) -lt 9 ]
  [ "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' stubborn)" = "exited 137" ]
  # Stopping a stopped container succeeds quietly, as docker.
  run b stop stubborn
  [ "$status" -eq 0 ]
  [ "$output" = stubborn ]
  # Several names: each is reported; an unknown one fails the command with exit 1.
  run b stop polite nope-1 stubborn
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = polite ]
  [ "${lines[1]}" = "Error response from daemon: No such container: nope-1" ]
  [ "${lines[2]}" = stubborn ]
  same_error stop nope-1
  b rm polite stubborn
}

@test "restart starts a new run of the same container" {
  b run -d --name again busybox sh -c 'echo run; sleep 60'
  wait_for 30 state_is again running
  local first; first=$(b inspect -f '{{.State.StartedAt}} {{.State.Pid}}' again)
  run b restart -t 0 again
  [ "$status" -eq 0 ]
  [ "$output" = again ]
  wait_for 30 state_is again running
  [ "$(b inspect -f '{{.State.StartedAt}} {{.State.Pid}}' again)" != "$first" ]
  wait_for 30 bash -c "[ \$('$BERTH' -H unix://$SOCK logs again | grep -c run) -eq 2 ]"
  # restart of a stopped container starts it
  b stop -t 0 again >/dev/null
  b restart again >/dev/null
  wait_for 30 state_is again running
  b rm -f again
}

@test "kill: SIGKILL by default (137), -s by name and number, a stopped container is an error" {
  b run -d --name k1 busybox sh -c 'trap "echo got-usr1" USR1; trap "exit 7" HUP; while :; do sleep 0.1; done'
  wait_for 30 state_is k1 running
  trapped k1 USR1 HUP
  run b kill -s USR1 k1
  [ "$status" -eq 0 ]
  [ "$output" = k1 ]
  wait_for 30 bash -c "[ \"\$('$BERTH' -H unix://$SOCK logs k1)\" = got-usr1 ]"
  state_is k1 running
  b kill --signal SIGHUP k1 >/dev/null
  wait_for 30 state_is k1 exited
  [ "$(b inspect -f '{{.State.ExitCode}}' k1)" = 7 ]
  b start k1 >/dev/null
  b kill -s 9 k1 >/dev/null
  wait_for 30 state_is k1 exited
  [ "$(b inspect -f '{{.State.ExitCode}}' k1)" = 137 ]
  b start k1 >/dev/null
  b kill k1 >/dev/null
  wait_for 30 state_is k1 exited
  [ "$(b inspect -f '{{.State.ExitCode}}' k1)" = 137 ]
  # Killing an exited container is docker's conflict, exit 1.
  run -1 b kill k1
  [[ "$output" == "Error response from daemon: "*"is not running"* ]]
  same_error kill k1
  run -1 b kill -s NOSUCHSIG k1
  [[ "$output" == *"NOSUCHSIG"* ]]
  b rm k1
}

@test "rm: a running container needs -f; -v removes its anonymous volumes" {
  b run -d --name busy busybox sleep 60
  run -1 b rm busy
  [[ "$output" == "Error response from daemon: "*"container is running"* ]]
  same_error rm busy
  run b rm -f busy
  [ "$status" -eq 0 ]
  [ "$output" = busy ]
  [ -z "$(b ps -aq --filter name=busy)" ]
  # rm -f of a missing container is not an error; rm of one is, as docker.
  run b rm -f busy
  [ "$status" -eq 0 ]
  run -1 b rm busy
  [ "$output" = "Error response from daemon: No such container: busy" ]
  # -v is accepted and removes the container; the anonymous volume's fate is checked only
  # where the daemon has the volumes API (berthd has no volume module yet).
  b run -d --name withvol -v /data busybox sleep 60
  run b rm -fv withvol
  [ "$status" -eq 0 ]
  [ "$output" = withvol ]
  [ -z "$(b ps -aq --filter name=withvol)" ]
  if api /volumes | jq -e .Volumes >/dev/null 2>&1; then
    local v1; v1=$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' withvol 2>/dev/null || true)
    [[ "$(api /volumes)" != *"${v1:-no-volume}"* ]]
  fi
}

@test "wait prints each exit code; an unknown container fails with 1" {
  b run -d --name w1 busybox sh -c 'sleep 0.3; exit 3'
  b run -d --name w2 busybox sh -c 'exit 0'
  run b wait w1 w2
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 3 ]
  [ "${lines[1]}" = 0 ]
  run b wait w1 nope-2
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = 3 ]
  [ "${lines[1]}" = "Error response from daemon: No such container: nope-2" ]
  b rm w1 w2
}

@test "rename: the new name works, the old one is gone, a taken name is a conflict" {
  b run -d --name before busybox sleep 60
  b run -d --name other busybox sleep 60
  run b rename before after
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ "$(b inspect -f '{{.Name}}' after)" = /after ]
  run -1 b inspect before
  run -1 b rename after other
  [[ "$output" == "Error response from daemon: "*"other"*"is already in use"* ]]
  same_error rename after other
  run -1 b rename after
  [ "${lines[0]}" = "berth: 'berth rename' requires 2 arguments" ]
  b rm -f after other
}

@test "pause freezes the processes, unpause thaws them; docker's ps shows the same status" {
  # The counter is renamed into place, so a reader never sees a truncated, empty /tmp/n.
  b run -d --name frozen busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done'
  wait_for 30 state_is frozen running
  wait_for 20 b exec frozen test -s /tmp/n
  local id; id=$(b inspect -f '{{.Id}}' frozen)
  run b pause frozen
  [ "$status" -eq 0 ]
  [ "$output" = frozen ]
  [ "$(b inspect -f '{{.State.Status}} {{.State.Paused}}' frozen)" = "paused true" ]
  if [ -f /sys/fs/cgroup/freezer/berth/"$id"/freezer.state ]; then
    [ "$(cat /sys/fs/cgroup/freezer/berth/"$id"/freezer.state)" = FROZEN ]
  fi
  [[ "$(b ps --filter name=frozen --format '{{.Status}}')" == *"(Paused)" ]]
  [ "$(b ps --filter name=frozen --format '{{.Status}}')" = "$(dk ps --filter name=frozen --format '{{.Status}}')" ]
  [ "$(b ps -q --filter status=paused)" = "${id:0:12}" ]
  run -1 b pause frozen
  same_error pause frozen
  run b unpause frozen
  [ "$status" -eq 0 ]
  [ "$output" = frozen ]
  state_is frozen running
  # Thawed, the counter moves again: polled with a deadline, as a loaded machine may be slow.
  local n1; n1=$(b exec frozen cat /tmp/n)
  [ -n "$n1" ]
  wait_for 20 bash -c "[ \"\$('$BERTH' -H unix://$SOCK exec frozen cat /tmp/n)\" -gt $n1 ]"
  run -1 b unpause frozen
  same_error unpause frozen
  b rm -f frozen
}

@test "top lists the container's processes as docker top does; ps options pass through" {
  b run -d --name topped busybox sh -c 'sleep 61 & sleep 62; true'
  wait_for 30 bash -c "'$BERTH' -H unix://$SOCK top topped | grep -q 'sleep 62'"
  run b top topped
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
  [ "${#lines[@]}" -eq 4 ]
  [ "$output" = "$(dk top topped)" ]
  run b top topped -o pid,comm
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^PID\ +COMMAND$ ]]
  [ "$output" = "$(dk top topped -o pid,comm)" ]
  b stop -t 0 topped >/dev/null
  run -1 b top topped
  same_error top topped
  b rm topped
}

@test "stats --no-stream: docker's columns, one row per running container, --format" {
  b run -d --name st1 --memory 64m busybox sleep 60
  b run -d --name st2 busybox sleep 60
  run b stats --no-stream
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ I/O\ +BLOCK\ I/O\ +PIDS$ ]]
  # one row per running container
  [ "${#lines[@]}" -eq $(( $(b ps -q | wc -l) + 1 )) ]
  [[ "$output" == *" st1 "* ]] && [[ "$output" == *" st2 "* ]]
  # an unlimited container's limit is the machine's memory, as dockerd reports it
  [[ "$(b stats --no-stream --format '{{.MemUsage}}' st2)" != *EiB ]]
  [ "$(dk stats --no-stream | head -n 1)" = "${lines[0]}" ]
  run b stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' st1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^st1\ 1\ [0-9.]+[KMG]?i?B\ /\ 64MiB$ ]]
  [ "$(dk stats --no-stream --format '{{.Name}} {{.PIDs}}' st1 st2)" = "$(b stats --no-stream --format '{{.Name}} {{.PIDs}}' st1 st2)" ]
  run b stats --no-stream --format '{{.ID}} {{.Container}}' --no-trunc st2
  [ "$output" = "$(b inspect -f '{{.Id}}' st2) st2" ]
  run -1 b stats --no-stream nope-3
  [[ "$output" == *"No such container: nope-3"* ]]
}

@test "stats without --no-stream redraws the table until interrupted" {
  b run -d --name live1 busybox sleep 60
  wait_for 30 state_is live1 running
  local out=$BATS_TEST_TMPDIR/stats.out pid st=0
  # A background job of a non-interactive shell starts with SIGINT ignored: env gives it back
  # its default action, as a terminal's Ctrl-C would find it.
  env --default-signal=INT "$BERTH" -H "unix://$SOCK" stats --format '{{.Name}}' live1 >"$out" 2>&1 3>&- &
  pid=$!
  # At least two rounds of the same container, however long they take; still running then,
  # it is ended by our SIGINT (and must end within 30 s of it).
  wait_for 30 bash -c "[ \$(grep -c '^live1\$' '$out') -ge 2 ]" || { kill -KILL "$pid"; cat "$out"; false; }
  kill -INT "$pid"
  poll_until 30 process_gone "$pid" || { kill -KILL "$pid"; false; }
  wait "$pid" || st=$?
  cat "$out"
  [ "$st" -eq 130 ]
  [ "$(grep -c '^live1$' "$out")" -ge 2 ]
  b rm -f live1 st1 st2 2>/dev/null || true
}

@test "inspect -f renders container fields as docker inspect -f does" {
  b run -d -i --name insp -e A=1 -l k=v --memory 32m busybox cat >/dev/null
  wait_for 30 state_is insp running   # -d -i: stdin stays open, so cat keeps running
  local f
  for f in '{{.Id}}' '{{.Name}}' '{{.State.Status}} {{.State.Running}} {{.State.Pid}}' \
           '{{json .Config.Env}}' '{{.Config.Labels.k}}' '{{index .Config.Labels "k"}}' \
           '{{.HostConfig.Memory}}' '{{json .Config.Cmd}}' '{{.Config.OpenStdin}}' \
           '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}' '{{.State.StartedAt}}' \
           '{{.Image}}' '{{len .Config.Env}}' '{{upper .Config.Image}}'; do
    same_output inspect -f "$f" insp
    same_output container inspect --format "$f" insp
  done
  same_output inspect insp
  b rm -f insp >/dev/null
}
