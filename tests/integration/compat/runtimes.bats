#!/usr/bin/env bats
# Containers on an external OCI runtime: berthd with --add-runtime runc=/usr/sbin/runc, the
# docker CLI with --runtime runc. The same lifecycle as on the built-in runtime (output, exit
# codes, logs, exec, stop, kill, pause, top, stats, update, a pty), checked against runc's own
# view of its containers (`runc --root <exec_root>/runtimes/runc state`), a daemon killed with
# -9 and restarted with --default-runtime runc, and nothing left behind.
load helpers
bats_require_minimum_version 1.5.0

RUNC=/usr/sbin/runc

setup_file() {
  [ -x "$RUNC" ] || skip "no runc at $RUNC"
  compat_setup_file --add-runtime "runc=$RUNC" --add-runtime missing=/nonexistent/berth-test-runtime
  export RUNC_ROOT=$D/exec/runtimes/runc
}

teardown_file() {
  [ -n "${D:-}" ] || return 0
  # A test may have restarted berthd: the live one is the last started.
  if [ -f "$D/berthd.current" ]; then BERTHD_PID=$(cat "$D/berthd.current"); fi
  local ids left="" procs=""
  ids=$(dk ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
  # runc's view: no container, no state directory, no process of ours (shim or container).
  left=$("$RUNC" --root "$RUNC_ROOT" list -q 2>/dev/null; ls -A "$RUNC_ROOT" 2>/dev/null)
  if [ -s "$D/ids" ]; then procs=$(grep -lsF -f "$D/ids" /proc/[0-9]*/cmdline /proc/[0-9]*/cgroup || true); fi
  compat_teardown_file || return 1
  [ -z "$left" ] || { echo "runc state left: $left" >&2; return 1; }
  [ -z "$procs" ] || { echo "processes left: $procs" >&2; return 1; }
}

teardown() {
  dk rm -f rx >/dev/null 2>&1 || true
  stop_second_berthd
}

# stop_second_berthd: stops the extra berthd a test may have started (its pid in $D/berthd2.pid).
stop_second_berthd() {
  [ -s "$D/berthd2.pid" ] || return 0
  local pid i
  pid=$(cat "$D/berthd2.pid")
  DOCKER_HOST=unix://$D/s2.sock dk rm -f $(DOCKER_HOST=unix://$D/s2.sock dk ps -aq) >/dev/null 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$D/berthd2.pid"
}

# start_rx ARG...: `docker run -d --name rx --runtime runc ARG...`; prints the id.
start_rx() {
  local id
  id=$(dk run -d --name rx --runtime runc "$@") || return 1
  remember "$id"
  echo "$id"
}

# run_rm ARG...: `docker run --rm --runtime runc ARG...`, with the id remembered for the leak checks.
run_rm() {
  local cid=$D/cid.$BATS_TEST_NUMBER.$RANDOM status=0
  dk run --rm --cidfile "$cid" --runtime runc "$@" || status=$?
  [ ! -s "$cid" ] || remember "$(cat "$cid")"
  rm -f "$cid"
  return $status
}

runc_status() { "$RUNC" --root "$RUNC_ROOT" state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }

# wait_ready: until the container's shell has installed its traps (it touches /tmp/ready); 30 s.
wait_ready() { poll_until 30 dk exec rx test -e /tmp/ready 2>/dev/null; }

@test "docker run --rm --runtime runc prints the output" {
  run run_rm busybox echo hi
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
  run run_rm busybox sh -c 'echo out; echo err >&2'
  [ "$output" = "$(printf 'out\nerr')" ]
}

@test "exit codes and stdin flow as with the built-in runtime" {
  run run_rm busybox sh -c 'exit 3'
  [ "$status" -eq 3 ]
  run run_rm busybox sh -c 'sleep 100 & kill -9 $!; wait $!; exit $?'
  [ "$status" -eq 137 ]
  run run_rm --init busybox sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
  [ "$(echo abc | run_rm -i busybox cat)" = abc ]
}

@test "a missing command is Docker's 127, and runc keeps nothing of it" {
  run -127 dk run --name rx --runtime runc busybox nope-not-here
  [ "$status" -eq 127 ]
  [[ "$output" == *"failed to create task for container"*"executable file not found"* ]]
  remember "$(dk inspect -f '{{.Id}}' rx)"
  [ -z "$("$RUNC" --root "$RUNC_ROOT" list -q)" ]
  [ -z "$(ls -A "$RUNC_ROOT")" ]
}

@test "the container really runs under runc, as the shim's child" {
  id=$(start_rx busybox sleep 1000)
  [ "$(runc_status "$id")" = running ]
  pid=$(dk inspect -f '{{.State.Pid}}' rx)
  [ "$("$RUNC" --root "$RUNC_ROOT" state "$id" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')" = "$pid" ]
  [ "$(ps -o comm= -p "$(ps -o ppid= -p "$pid" | tr -d ' ')")" = berth-shim ]
  [ ! -e "$D/exec/runtime/$id" ]  # not on the built-in runtime
  [ "$(dk inspect -f '{{.HostConfig.Runtime}}' rx)" = runc ]
}

@test "without --runtime the default stays berth, the built-in runtime" {
  id=$(dk run -d --name rx busybox sleep 1000)
  remember "$id"
  [ "$(dk inspect -f '{{.HostConfig.Runtime}}' rx)" = berth ]
  [ -e "$D/exec/runtime/$id" ]
  [ -z "$("$RUNC" --root "$RUNC_ROOT" list -q)" ]
}

@test "-d, logs and exec on runc" {
  start_rx busybox sh -c 'echo one; echo two >&2; sleep 1000'
  logged() { [[ "$(dk logs rx 2>&1)" == *one*two* ]]; }
  poll_until 30 logged
  run dk logs rx
  [[ "$output" == *one*two* ]]
  [ "$(dk logs rx 2>/dev/null)" = one ]
  run dk exec rx echo from-exec
  [ "$status" -eq 0 ]
  [ "$output" = from-exec ]
  run dk exec rx sh -c 'exit 4'
  [ "$status" -eq 4 ]
  [ "$(echo piped | dk exec -i rx cat)" = piped ]
  dk exec -d rx sh -c 'echo detached > /tmp/d.new; mv /tmp/d.new /tmp/d'
  poll_until 30 dk exec rx test -e /tmp/d
  [ "$(dk exec rx cat /tmp/d)" = detached ]
}

@test "stop: SIGTERM (143), then SIGKILL after the timeout (137); kill; a signal reaches the trap" {
  start_rx --init busybox sleep 1000
  dk stop -t 10 rx
  [ "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' rx)" = "exited 143" ]
  dk rm rx

  start_rx busybox sleep 1000  # pid 1 ignores SIGTERM
  dk stop -t 1 rx
  [ "$(dk inspect -f '{{.State.ExitCode}}' rx)" = 137 ]
  dk start rx
  [ "$(runc_status "$(dk inspect -f '{{.Id}}' rx)")" = running ]
  dk kill rx
  [ "$(dk wait rx)" = 137 ]
  dk rm rx

  start_rx busybox sh -c 'trap "echo got-usr1" USR1; touch /tmp/ready; while true; do sleep 0.1; done'
  wait_ready
  dk kill -s USR1 rx
  got_usr1() { [[ "$(dk logs rx)" == *got-usr1* ]]; }
  poll_until 30 got_usr1
  [ "$(dk inspect -f '{{.State.Status}}' rx)" = running ]
}

@test "pause and unpause freeze and thaw it in runc; a paused container can be killed" {
  id=$(start_rx busybox sleep 1000)
  dk pause rx
  [ "$(dk inspect -f '{{.State.Status}}' rx)" = paused ]
  [ "$(runc_status "$id")" = paused ]
  dk unpause rx
  [ "$(dk inspect -f '{{.State.Status}}' rx)" = running ]
  [ "$(runc_status "$id")" = running ]
  dk pause rx
  dk kill rx
  [ "$(dk wait rx)" = 137 ]
}

@test "top, stats and update on runc" {
  id=$(start_rx busybox sh -c 'sleep 1000 & sleep 1001')
  both_sleeping() { [[ "$(dk top rx)" == *"sleep 1000"*"sleep 1001"* || "$(dk top rx)" == *"sleep 1001"*"sleep 1000"* ]]; }
  poll_until 30 both_sleeping
  run dk top rx
  [ "$status" -eq 0 ]
  [[ "$output" == *"sleep 1000"* ]]
  [[ "$output" == *"sleep 1001"* ]]
  run dk stats --no-stream --format '{{.Name}} {{.PIDs}}' rx
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$output" = "rx $("$RUNC" --root "$RUNC_ROOT" ps --format json "$id" | tr ',' '\n' | wc -l)" ]
  [ "$output" != "rx 0" ]
  dk update --memory 64m --memory-swap 128m rx
  [[ "$(dk stats --no-stream --format '{{.MemUsage}}' rx)" == *"/ 64MiB" ]]
  [ "$(dk inspect -f '{{.HostConfig.Memory}}' rx)" = 67108864 ]
}

@test "rm -f removes a running runc container and runc's state of it" {
  id=$(start_rx busybox sleep 1000)
  pid=$(dk inspect -f '{{.State.Pid}}' rx)
  dk rm -f rx
  run dk inspect rx
  [ "$status" -ne 0 ]
  [ -z "$("$RUNC" --root "$RUNC_ROOT" list -q)" ]
  [ ! -e "$RUNC_ROOT/$id" ]
  ! kill -0 "$pid" 2>/dev/null
}

@test "-it through a pty on runc (run and exec)" {
  command -v script >/dev/null || skip "no script(1)"
  run script -qc "'$DOCKER' run -it --rm --runtime runc busybox tty" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == */dev/pts/0* ]]
  start_rx -t busybox sleep 1000
  run script -qc "'$DOCKER' exec -it rx sh -c 'tty; exit 6'" /dev/null
  [[ "$output" == */dev/pts/* ]]
  run script -qec "'$DOCKER' exec -it rx sh -c 'exit 6'" /dev/null
  [ "$status" -eq 6 ]
  # Keys typed on the terminal reach the container; its exit code comes back.
  run script -qec "'$DOCKER' run -it --rm --runtime runc busybox sh -c 'read x; echo got-\$x; exit 5'" /dev/null \
    < <(sleep 1; echo abc; sleep 1)
  [ "$status" -eq 5 ]
  [[ "$output" == *got-abc* ]]
}

@test "a pty on runc when the console socket path is too long for sun_path" {
  command -v script >/dev/null || skip "no script(1)"
  # A second berthd whose exec root puts <exec_root>/shims/<id>/console.sock past 107 bytes
  # (engine.sock still fits): runc reaches the socket through /proc/<shim>/fd/<dir>.
  local exec_root=$D/exec-root-long-enough-to-push-the-console-socket-past-sun-path
  [ "${#exec_root}" -lt 95 ] && [ $((${#exec_root} + 84)) -gt 107 ]
  echo '{}' > "$D/daemon2.json"
  "$BERTHD" --data-root "$D/data2" --exec-root "$exec_root" -H "unix://$D/s2.sock" --pidfile "$D/berthd2.pid" \
    --config-file "$D/daemon2.json" --add-runtime "runc=$RUNC" 2>>"$D/berthd2.log" &
  poll_until 30 curl -sf --unix-socket "$D/s2.sock" http://berth/_ping >/dev/null
  export DOCKER_HOST=unix://$D/s2.sock
  run script -qc "'$DOCKER' run -it --rm --runtime runc busybox tty" /dev/null
  [[ "$output" == */dev/pts/0* ]]
  id=$(dk run -d -t --runtime runc busybox sleep 1000)
  remember "$id"
  run script -qc "'$DOCKER' exec -it $id tty" /dev/null
  [[ "$output" == */dev/pts/* ]]
  stop_second_berthd
  [ -z "$("$RUNC" --root "$exec_root/runtimes/runc" list -q)" ]
}

@test "docker info lists the runtimes with their paths" {
  run dk info --format '{{json .Runtimes}}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"berth"'* ]]
  [[ "$output" == *'"runc":{"path":"/usr/sbin/runc"'* ]]
  [ "$(dk info --format '{{.DefaultRuntime}}')" = berth ]
}

@test "a runtime whose binary is missing fails the start with its path, and leaves nothing" {
  run -127 dk run --name rx --runtime missing busybox true   # docker's "not found" status
  [[ "$output" == *"OCI runtime create failed: cannot run /nonexistent/berth-test-runtime: no such file or directory"* ]]
  remember "$(dk inspect -f '{{.Id}}' rx)"
  [ "$(dk inspect -f '{{.State.Status}} {{.HostConfig.Runtime}}' rx)" = "created missing" ]
  [ -z "$(ls -A "$D/exec/shims")" ]
}

@test "--runtime nope is Docker's 400, and creates nothing" {
  before=$(dk ps -aq | wc -l)
  run dk run --rm --runtime nope busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"Error response from daemon: unknown or invalid runtime name: nope"* ]]
  [ "$(dk ps -aq | wc -l)" -eq "$before" ]
  run curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -H 'Content-Type: application/json' \
    -d '{"Image":"busybox","Cmd":["true"],"HostConfig":{"Runtime":"nope"}}' http://berth/v1.47/containers/create
  [ "$output" = 400 ]
}

@test "berthd killed with -9 finds its runc container again; an exit meanwhile is recorded; --default-runtime runc" {
  a=$(dk run -d --name ra --runtime runc busybox sleep 1000)
  remember "$a"
  b=$(dk run -d --name rb --runtime runc busybox sleep 1000)
  remember "$b"
  kill -9 "$BERTHD_PID"
  # It stays a zombie until bats reaps it, and its pid file then still names a berthd: a crash
  # leaves the file; the dead daemon's name does not.
  poll_until 30 process_gone "$BERTHD_PID"
  rm -f "$PIDFILE"
  "$RUNC" --root "$RUNC_ROOT" kill "$b" KILL  # exits while the daemon is down
  poll_until 30 test -e "$D/exec/shims/$b/exit.json"
  [ "$(runc_status "$a")" = running ]

  compat_start_berthd --add-runtime "runc=$RUNC" --default-runtime runc
  echo "$BERTHD_PID" > "$D/berthd.current"
  [ "$(dk inspect -f '{{.State.Status}}' ra)" = running ]
  [ "$(dk exec ra echo alive)" = alive ]
  [ "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' rb)" = "exited 137" ]
  [ -z "$(ls -A "$RUNC_ROOT" | grep "$b")" ]

  # The default is now runc: a container naming no runtime runs there.
  [ "$(dk info --format '{{.DefaultRuntime}}')" = runc ]
  c=$(dk run -d --name rc busybox sleep 1000)
  remember "$c"
  [ "$(dk inspect -f '{{.HostConfig.Runtime}}' rc)" = runc ]
  [ "$(runc_status "$c")" = running ]
  [ "$(dk run --rm busybox echo default-runc)" = default-runc ]

  dk stop -t 1 ra
  [ "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' ra)" = "exited 137" ]
  [ -z "$(runc_status "$a")" ]
  dk rm -f ra rb rc
}
