#!/usr/bin/env bats
# `berth run` flag by flag: each flag is checked where it lands (inside the container, in the
# cgroup, in the kernel's view of the process), not only in the create request. One berthd for
# the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() { cli_setup_file; }
teardown_file() {
  umount "$D/rec/sub" 2>/dev/null || true  # the bind-recursive test's submount, if it failed midway
  cli_teardown_file
}
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

@test "run -e, --env-file, -w, -u, --hostname reach the process" {
  printf '# a comment\nFROM_FILE=file value\nPASSED_THROUGH\n\n' > "$D/env"
  PASSED_THROUGH=from-host B=from-env run b run --rm -e A=1 -e B --env-file "$D/env" -w /tmp \
    -u 1000:1001 --hostname box1 busybox \
    sh -c 'echo "$A|$B|$FROM_FILE|$PASSED_THROUGH"; pwd; id -u; id -g; hostname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1|from-env|file value|from-host" ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 1000 ]
  [ "${lines[3]}" = 1001 ]
  [ "${lines[4]}" = box1 ]
  # A missing env file is a client error: 125 and the file's name.
  run -125 b run --rm --env-file "$D/nope" busybox true
  [[ "$output" == *"$D/nope"* ]]
}

@test "run --entrypoint replaces the image's entrypoint; the rest are its arguments" {
  run b run --rm --entrypoint echo busybox one two
  [ "$status" -eq 0 ]
  [ "$output" = "one two" ]
  run b run --rm --name ep --entrypoint /usr/bin/printf busybox '%s-%s' a b
  [ "$output" = "a-b" ]
}

@test "run -l sets labels as docker sees them; --name names the container" {
  b run -d --name labelled -l a=1 -l 'b=two words' -l flag busybox sleep 30
  run b inspect -f '{{json .Config.Labels}}' labelled
  [ "$output" = '{"a":"1","b":"two words","flag":""}' ]
  [ "$output" = "$(dk inspect -f '{{json .Config.Labels}}' labelled)" ]
  [ "$(b ps --filter label=b='two words' --format '{{.Names}}')" = labelled ]
  # A second container with the name is a conflict, as docker words it, exit 125.
  run -125 b run --name labelled busybox true
  [[ "${lines[0]}" == 'berth: Error response from daemon: Conflict. The container name "/labelled" is already in use by container "'* ]]
  [[ "$output" == *"Run 'berth run --help' for more information" ]]
  b rm -f labelled
}

@test "run --memory, --cpus, --pids-limit land in the container's cgroup" {
  b run -d --name limited --memory 48m --cpus 0.5 --pids-limit 42 busybox sleep 30
  local id; id=$(b inspect -f '{{.Id}}' limited)
  [ "$(b inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' limited)" = "50331648 500000000 42" ]
  if [ -d /sys/fs/cgroup/memory/berth/"$id" ]; then   # cgroup v1
    [ "$(cat /sys/fs/cgroup/memory/berth/"$id"/memory.limit_in_bytes)" = 50331648 ]
    [ "$(cat /sys/fs/cgroup/pids/berth/"$id"/pids.max)" = 42 ]
    [ "$(cat /sys/fs/cgroup/cpu/berth/"$id"/cpu.cfs_quota_us)" = 50000 ]
    [ "$(cat /sys/fs/cgroup/cpu/berth/"$id"/cpu.cfs_period_us)" = 100000 ]
  else
    local cg; cg=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$id" | head -n 1)
    [ "$(cat "$cg"/memory.max)" = 50331648 ]
    [ "$(cat "$cg"/pids.max)" = 42 ]
    [ "$(cat "$cg"/cpu.max)" = "50000 100000" ]
  fi
  b rm -f limited
  # Bad values are flag errors, exit 125, naming the flag.
  run -125 b run --rm --cpus abc busybox true
  [[ "$output" == *'invalid argument "abc" for "--cpus" flag'* ]]
  run -125 b run --rm --memory 12q busybox true
  [[ "$output" == *'invalid argument "12q" for "-m, --memory" flag'* ]]
}

@test "run --ulimit sets soft and hard limits" {
  run b run --rm --ulimit nofile=100:200 --ulimit nproc=50 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -u'
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "100 200 50" ]
  run -125 b run --rm --ulimit nofile=300:200 busybox true
  [[ "$output" == *"ulimit soft limit must be less than or equal to hard limit: 300 > 200"* ]]
  run -125 b run --rm --ulimit bogus=1 busybox true
  [[ "$output" == *"invalid ulimit type: bogus"* ]]
}

@test "run --cap-add, --cap-drop and --privileged change the capability sets" {
  capeff() { b run --rm "$@" busybox sh -c 'grep CapEff /proc/self/status' | awk '{print $2}'; }
  local base; base=$(capeff)
  [ "$base" = 00000000a80425fb ]   # docker's default set
  [ "$(capeff --cap-drop ALL)" = 0000000000000000 ]
  [ "$(capeff --cap-add NET_ADMIN)" = 00000000a80435fb ]          # + bit 12
  [ "$(capeff --cap-drop CHOWN --cap-drop NET_RAW)" = 00000000a80405fa ]
  # Privileged: every capability the host has, and the host's devices.
  local host; host=$(awk '/CapBnd/ {print $2}' /proc/self/status)
  [ "$(capeff --privileged)" = "$host" ]
  run b run --rm --privileged busybox sh -c 'test -e /dev/kmsg && echo host-devices'
  [ "$output" = host-devices ]
  run b run --rm busybox sh -c 'test -e /dev/kmsg || echo no-host-devices'
  [ "$output" = no-host-devices ]
}

@test "run --read-only with --tmpfs: the root is read-only, the tmpfs is writable" {
  run b run --rm --read-only --tmpfs /scratch:size=1m busybox sh -c \
    'touch /x 2>&1; echo hi > /scratch/f && cat /scratch/f; grep " /scratch " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "touch: /x: Read-only file system" ]
  [ "${lines[1]}" = hi ]
  [[ "${lines[2]}" == "tmpfs /scratch tmpfs rw,"*"size=1024k"* ]]
}

@test "run -v and --mount: binds (rw, ro) and a tmpfs land in the container" {
  mkdir -p "$D/bind-rw" "$D/bind-ro"
  echo ro-content > "$D/bind-ro/f"
  run b run --rm -v "$D/bind-rw:/rw" --mount "type=bind,source=$D/bind-ro,target=/ro,readonly" \
    --mount type=tmpfs,target=/t,tmpfs-size=1m busybox sh -c \
    'echo w > /rw/w; cat /ro/f; touch /ro/x 2>&1; grep " /t " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "$(cat "$D/bind-rw/w")" = w ]
  [ "${lines[0]}" = ro-content ]
  [ "${lines[1]}" = "touch: /ro/x: Read-only file system" ]
  [[ "${lines[2]}" == "tmpfs /t tmpfs rw,"*"size=1024k"* ]]
  run b run --rm --mount "type=bind,source=$D/no-such,target=/x" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid mount config for type \"bind\": bind source path does not exist: $D/no-such"* ]]
  [ ! -e "$D/no-such" ]
  run b run --rm --mount type=bind,target=/x,bogus=1 busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid argument \"type=bind,target=/x,bogus=1\" for \"--mount\" flag: unexpected key 'bogus' in 'bogus=1'"* ]]
}

@test "run --mount bind-recursive: docker/cli's values and checks" {
  mkdir -p "$D/rec/sub"
  mount -t tmpfs -o size=1m tmpfs "$D/rec/sub"
  run b run --rm --mount "type=bind,src=$D/rec,dst=/t,readonly,bind-recursive=writable" busybox \
    sh -c 'touch /t/x 2>/dev/null && echo top-rw || echo top-ro; touch /t/sub/x 2>/dev/null && echo sub-rw || echo sub-ro'
  local writable=$output
  run b run --rm --mount "type=bind,src=$D/rec,dst=/t,readonly" busybox \
    sh -c 'touch /t/sub/x 2>/dev/null && echo sub-rw || echo sub-ro'
  local default=$output
  umount "$D/rec/sub"
  [ "$writable" = "$(printf 'top-ro\nsub-rw')" ]
  [ "$default" = sub-ro ]
  run b run --rm --mount "type=bind,src=$D/rec,dst=/t,bind-recursive=foo" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"for \"--mount\" flag: invalid value for bind-recursive: foo (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")"* ]]
  run b run --rm --mount "type=bind,src=$D/rec,dst=/t,bind-recursive=writable" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"* ]]
  run b run --rm --mount "type=bind,src=$D/rec,dst=/t,readonly,bind-recursive=readonly" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction"* ]]
}

@test "run --security-opt no-new-privileges and seccomp=unconfined" {
  run b run --rm busybox sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
  [ "${lines[0]}" = "NoNewPrivs:	0" ]
  [ "${lines[1]}" = "Seccomp:	2" ]
  run b run --rm --security-opt no-new-privileges --security-opt seccomp=unconfined busybox \
    sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
  [ "${lines[0]}" = "NoNewPrivs:	1" ]
  [ "${lines[1]}" = "Seccomp:	0" ]
  run -125 b run --rm --security-opt bogus busybox true
  [[ "$output" == *'Invalid --security-opt: "bogus"'* ]]
}

@test "run --init puts an init at pid 1 that reaps and forwards signals" {
  run b run --rm --init busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "'
  [ "$status" -eq 0 ]
  [[ "$output" == "/sbin/docker-init -- sh -c "* ]]
  run b run --rm busybox cat /proc/1/comm
  [ "$output" = cat ]
  # Without an init, sleep as pid 1 ignores SIGTERM; with it, stop is immediate (143), not the
  # 30 s timeout's SIGKILL (137). The init blocks every signal before it forks its child (and
  # then takes them with sigwaitinfo, when /proc shows none blocked): once the child exists, a
  # SIGTERM to the init is forwarded, not lost.
  b run -d --init --name withinit busybox sleep 300
  local init_pid
  init_pid=$(b inspect -f '{{.State.Pid}}' withinit)
  poll_until 30 grep -q . "/proc/$init_pid/task/$init_pid/children"
  local t0=$SECONDS
  b stop -t 30 withinit
  [ $(( SECONDS - t0 )) -lt 20 ]
  [ "$(b inspect -f '{{.State.ExitCode}}' withinit)" = 143 ]
  b rm withinit
}

@test "run --stop-signal and --stop-timeout are what stop uses" {
  b run -d --name sig --stop-signal USR1 busybox \
    sh -c 'trap "echo got-usr1; exit 5" USR1; while :; do sleep 0.1; done'
  wait_for 30 state_is sig running
  trapped sig USR1
  b stop sig
  [ "$(b inspect -f '{{.State.ExitCode}} {{.Config.StopSignal}}' sig)" = "5 USR1" ]
  [ "$(b logs sig)" = got-usr1 ]
  # --stop-timeout 1: a process that ignores SIGTERM is killed after 1 s, not docker's 10.
  b run -d --name slow --stop-timeout 1 busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done'
  wait_for 30 state_is slow running
  local t0=$SECONDS
  b stop slow
  [ $(( SECONDS - t0 )) -lt 9 ]
  [ "$(b inspect -f '{{.State.ExitCode}} {{.Config.StopTimeout}}' slow)" = "137 1" ]
  b rm sig slow
}

@test "run --network none has only lo; --network host sees the host's interfaces and name" {
  run b run --rm --network none busybox ls /sys/class/net
  [ "$status" -eq 0 ]
  [ "$output" = lo ]
  run b run --rm --network host busybox sh -c 'ls /sys/class/net | sort; hostname'
  [ "$status" -eq 0 ]
  local expected; expected=$( (ls /sys/class/net | sort; hostname) )
  [ "$output" = "$expected" ]
  run -125 b run --rm --network no-such-net busybox true
  [[ "$output" == *"network no-such-net not found"* ]]
}

@test "run -t gives the process a terminal even when berth's stdin is not one" {
  run b run --rm -t busybox sh -c 'tty; test -t 1 && echo is-a-tty'
  [ "$status" -eq 0 ]
  # Through a pty the container's newlines come back as CRLF.
  [ "${lines[0]}" = $'/dev/pts/0\r' ]
  [ "${lines[1]}" = $'is-a-tty\r' ]
  # -it needs a terminal on our side: docker's message, exit 125.
  run -125 b run --rm -it busybox true </dev/null
  [[ "$output" == *"the input device is not a TTY"* ]]
}

@test "run --restart on-failure:2 restarts twice, then leaves it exited; always is recorded" {
  b run -d --name flaky --restart on-failure:2 busybox sh -c 'echo run; exit 3'
  wait_for 30 bash -c "[ \"\$('$BERTH' -H unix://$SOCK inspect -f '{{.RestartCount}} {{.State.Status}}' flaky)\" = '2 exited' ]"
  [ "$(b inspect -f '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' flaky)" = "3 on-failure 2" ]
  [ "$(b logs flaky | grep -c run)" -eq 3 ]
  b rm flaky
  b create --name pol --restart always busybox true >/dev/null
  [ "$(b inspect -f '{{.HostConfig.RestartPolicy.Name}}' pol)" = always ]
  b rm pol
  run -125 b run --rm --restart always busybox true
  [[ "$output" == *"conflicting options: cannot specify both --restart and --rm"* ]]
  run -125 b run --restart bogus busybox true
  [[ "$output" == *"invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"* ]]
}
