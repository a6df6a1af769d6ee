#!/usr/bin/env bats
# Errors and exit codes: 125 for flag and daemon errors, 126 cannot invoke, 127 not found, else
# the container's; usage errors and unknown objects worded as the real docker CLI words them
# against the same daemon; -H and BERTH_HOST; a daemon that is not running. One berthd.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  b run -d --name running busybox sleep 300 >/dev/null
  b create --name stopped busybox true >/dev/null
}
teardown_file() { cli_teardown_file; }
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

@test "exit codes of run: the container's, 125, 126, 127, and 137 for a killed one" {
  run -42 b run --rm busybox sh -c 'exit 42'
  run -125 b run --rm --pull never no-such-image:1 true
  [ "${lines[0]}" = "berth: Error response from daemon: No such image: no-such-image:1" ]
  [ "${lines[-1]}" = "Run 'berth run --help' for more information" ]
  run -126 b run --rm busybox /etc/passwd
  [[ "$output" == "berth: Error response from daemon: "*"permission denied"* ]]
  run -127 b run --rm busybox /no/such/binary
  [[ "$output" == *"no such file or directory"* ]]
  # (pid 1 cannot be SIGKILLed from inside; a child shell can, and its status is passed on)
  run -137 b run --rm busybox sh -c 'sh -c "kill -9 \$\$"; exit $?'
  run -125 b run --rm --bogus-flag busybox true
  [ "${lines[0]}" = "unknown flag: --bogus-flag" ]
  # the --rm containers that failed to start are gone too: the daemon removes them, so the
  # docker CLI, which waits for that removal, returns (it hung before)
  # (126 from docker too: it matches Go's lower-case errno text, which berthd now gives)
  run -126 timeout 60 env DOCKER_HOST="unix://$SOCK" "$DOCKER" run --rm busybox /etc/passwd
  wait_for 30 bash -c "[ \$('$BERTH' -H unix://$SOCK ps -aq | wc -l) -eq 2 ]"
}

@test "usage errors are docker's, word for word, with docker's exit codes" {
  local c
  while IFS= read -r c; do
    # shellcheck disable=SC2086
    same_error $c || { echo "for: $c" >&2; return 1; }
  done <<'EOF'
ps extra
commit
rename a
version x
events x
top
cp a
history
load x
save
tag a
wait
logs
exec running
inspect
diff
export
import
system df x
image prune x
pause
unpause
attach
kill
rm
rmi
start
stop
restart
create
run
system prune x
container ls x
image ls --bogus
image inspect
image history
image tag a
image rm
image save
image load x
system info x
container prune x
ps --bogus
ps -n x
run -Z busybox
run --memory-swap x busybox
run --cpus x busybox
run -m 1q busybox
run --ulimit x busybox
run -a bogus busybox
run --health-interval x busybox
create --cpus 1.2.3 busybox
ps --filter nonsense
frobnicate
EOF
}

@test "--env-file and --label-file errors are docker's, naming the file" {
  printf 'A=1\n  B = two\n' > "$D/bad-space.env"
  printf '# c\n=x\n' > "$D/bad-name.env"
  same_error run --rm --env-file "$D/bad-space.env" busybox true
  same_error run --rm --env-file "$D/bad-name.env" busybox true
  same_error run --rm --label-file "$D/bad-name.env" busybox true
  same_error run --rm --env-file "$D/no-such.env" busybox true
}

@test "an unknown container is docker's 404 message for every container command" {
  local c
  for c in start stop restart kill rm pause unpause wait logs top diff export attach port \
           "inspect --type container" "container inspect" "stats --no-stream" "exec" "rename"; do
    local args="nope-8"
    [ "$c" = exec ] && args="nope-8 true"
    [ "$c" = rename ] && args="nope-8 other"
    [ "$c" = port ] && continue   # no port command in berth yet
    # shellcheck disable=SC2086
    same_error $c $args || { echo "for: $c" >&2; return 1; }
  done
  same_error cp nope-8:/etc /tmp
  same_error inspect nope-8
}

@test "state errors: exec in a stopped container, attach to it, pause it, stop nothing" {
  same_error exec stopped true
  same_error pause stopped
  same_error unpause running
  run -1 b attach stopped
  [ "$output" = "You cannot attach to a stopped container, start it first" ]
  same_error rm running
  same_error kill stopped
}

@test "template errors: inspect -f exits 64 on a parse error, 1 on a missing key; images and ps say it docker's way" {
  same_error inspect -f '{{.Name' running
  [ "$(b inspect -f '{{.Name' running >/dev/null 2>&1; echo $?)" = 64 ]
  same_error inspect -f '{{.NoSuchKey}}' running
  same_error images --format '{{.NoSuch}}'
  same_error images --format '{{.Repository'
  same_error ps --format '{{.Names'
  same_error ps --format '{{.NoSuch}}'
  # a key docker's inspect JSON has, under a different case, still resolves (Go field match)
  [ "$(b inspect -f '{{.State.Status}}' running)" = running ]
}

@test "-H and BERTH_HOST choose the daemon; -H wins; a bad address is named" {
  run "$BERTH" -H "unix://$SOCK" ps --format '{{.Names}}'
  [ "$output" = running ]
  BERTH_HOST="unix://$SOCK" run "$BERTH" ps --format '{{.Names}}'
  [ "$output" = running ]
  BERTH_HOST="unix://$D/nowhere.sock" run "$BERTH" --host "unix://$SOCK" ps --format '{{.Names}}'
  [ "$output" = running ]
  BERTH_HOST="unix://$SOCK" run "$BERTH" -H "unix://$D/nowhere.sock" ps
  [ "$status" -eq 1 ]
  [ "$output" = "Cannot connect to the berth daemon at unix://$D/nowhere.sock. Is berthd running? Start it with: berthd" ]
  run -1 "$BERTH" -H foo://bar ps
  [[ "$output" == *"foo://bar"* ]]
}

@test "no daemon: every kind of command says how to start berthd; run exits 125" {
  local c
  for c in ps images info "logs x" "exec x true" "stop x" "inspect x" events "system df"; do
    # shellcheck disable=SC2086
    run "$BERTH" -H "unix://$D/nowhere.sock" $c
    [ "$status" -eq 1 ] || { echo "for: $c ($status)"; return 1; }
    [[ "$output" == *"Cannot connect to the berth daemon at unix://$D/nowhere.sock. Is berthd running? Start it with: berthd"* ]] || { echo "for: $c: $output"; return 1; }
  done
  run -125 "$BERTH" -H "unix://$D/nowhere.sock" run --rm busybox true
  [[ "$output" == "berth: Cannot connect to the berth daemon"* ]]
  run -1 "$BERTH" -H "unix://$D/nowhere.sock" create busybox true
  [[ "$output" == "Cannot connect to the berth daemon"* ]]
}

@test "a management command alone lists its subcommands; an unknown one is docker's error" {
  local g
  for g in container image system; do
    run --separate-stderr b "$g"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "${stderr_lines[0]}" = "Usage:  berth $g COMMAND" ]
    [ "$(dk "$g" 2>&1 >/dev/null | sed -n 1p)" = "Usage:  docker $g COMMAND" ]
    same_error "$g" frobnicate
  done
  run b image
  [[ "$output" == *"  ls          List images"* ]]
  [[ "$output" != *"  list "* ]]   # aliases are not listed, as docker
  run b container
  [[ "$output" == *"  ls          List containers"* ]]
  run b system --help
  [[ "$output" == *"  prune       Remove unused data"* ]]
}
