#!/usr/bin/env bats
# Healthchecks run by berthd, seen through the real docker CLI: probes, State.Health, the
# health_status events, `ps --filter health=`, and the Status and Size columns of `ps`.
# Probe intervals are short (100-300 ms) so the file runs in well under a minute. What a test
# checks at a given moment (still starting, healthy again) is held there by a probe that waits on
# a file the test creates, not by betting that the machine is fast enough to look in time.
load helpers

setup_file() { compat_setup_file; }
# One test restarts berthd: the daemon to stop is the one in the pid file.
teardown_file() {
  [ -s "${PIDFILE:-}" ] && BERTHD_PID=$(cat "$PIDFILE")
  compat_teardown_file
}

teardown() {
  local ids
  ids=$(dk ps -aq --filter label=berth-health-test 2>/dev/null || true)
  [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
}

# run_x NAME ARGS...: a detached container labelled for teardown; prints its id.
run_x() {
  local name=$1 id
  shift
  id=$(dk run -d --label berth-health-test --name "$name" "$@")
  remember "$id"
  echo "$id"
}

health() { dk inspect -f '{{.State.Health.Status}}' "$1"; }

# wait_health NAME STATUS [SECONDS]: polls every 0.1 s for at most SECONDS (default 30).
wait_health() {
  local deadline=$(( SECONDS + ${3:-30} ))
  while (( SECONDS < deadline )); do
    [ "$(health "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  echo "health of $1 is $(health "$1"), wanted $2" >&2
  dk inspect -f '{{json .State.Health}}' "$1" >&2
  daemon_log >&2
  return 1
}

# up_status_ok STATUS T0 SUFFIX: STATUS is Docker's "Up <duration>SUFFIX" for a container
# started after T0 (date +%s%N): "Less than a second", "1 second", "N seconds" (N >= 2), and no
# longer than the time since T0, so a fast machine must see the sub-second form.
up_status_ok() {
  local st=$1 elapsed_ms=$(( ($(date +%s%N) - $2) / 1000000 )) suffix=$3 d n
  [[ "$st" == "Up "*"$suffix" ]] || { echo "status: $st" >&2; return 1; }
  d=${st#Up }
  d=${d%"$suffix"}
  case "$d" in
    "Less than a second") n=0 ;;
    "1 second") n=1 ;;
    *) if [[ "$d" =~ ^([0-9]+)\ seconds$ ]] && [ "${BASH_REMATCH[1]}" -ge 2 ]; then n=${BASH_REMATCH[1]}
       else echo "status: $st" >&2; return 1; fi ;;
  esac
  [ $(( n * 1000 )) -le "$elapsed_ms" ] || { echo "status $st after only $elapsed_ms ms" >&2; return 1; }
}

@test "a passing probe makes the container healthy; inspect shows the log" {
  # The first probe waits for /tmp/go, so the container is seen starting however slow the machine;
  # each probe counts itself in /tmp/probes.
  run_x hok --health-cmd 'while [ ! -e /tmp/go ]; do sleep 0.1; done; echo >> /tmp/probes; echo probe-out; echo probe-err >&2' \
    --health-interval 200ms --health-timeout 5m busybox sleep 300
  [ "$(health hok)" = starting ]
  dk exec hok touch /tmp/go
  wait_health hok healthy
  run dk inspect -f '{{.State.Health.FailingStreak}} {{len .State.Health.Log}}' hok
  [[ "$output" =~ ^0\ [1-5]$ ]]
  run dk inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}}|{{.Output}}{{end}}' hok
  [ "$output" = "0|probe-out"$'\n'"probe-err" ]
  # Start and End in RFC 3339 with nanoseconds, as the API sends them.
  run dk inspect -f '{{json (index .State.Health.Log 0)}}' hok
  [[ "$output" =~ \"Start\":\"20[0-9-]+T[0-9:]+\.[0-9]+Z\",\"End\":\"20[0-9-]+T[0-9:]+\.[0-9]+Z\" ]]
  # The log keeps the last five results: once seven probes have started (six have ended).
  poll_until 30 dk exec hok sh -c '[ $(wc -l < /tmp/probes) -ge 7 ]'
  [ "$(dk inspect -f '{{len .State.Health.Log}}' hok)" = 5 ]
}

@test "a failing probe becomes unhealthy after Retries failures, not before" {
  run_x hbad --health-cmd 'echo nope >&2; exit 3' --health-interval 100ms --health-retries 3 busybox sleep 100
  local st seen_unhealthy="" deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    st=$(dk inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' hbad)
    case "$st" in
      "starting "[012]) ;;
      "unhealthy "*) seen_unhealthy=$st; break ;;
      *) echo "unexpected health state: $st" >&2; return 1 ;;
    esac
    sleep 0.05
  done
  [ -n "$seen_unhealthy" ]
  [ "${seen_unhealthy#unhealthy }" -ge 3 ]
  run dk inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}} {{.Output}}{{end}}' hbad
  [ "$output" = "3 nope" ]
}

@test "start period: StartInterval paces the probes and failures do not count until it ends" {
  # Interval 1m: only the 100ms StartInterval can make it healthy this soon.
  run_x hsi --health-cmd true --health-interval 1m --health-start-period 30s \
    --health-start-interval 100ms busybox sleep 100
  wait_health hsi healthy 30   # well before the 1m interval
  # Failing from the start: "starting" with no streak for the 10 s start period (long enough to
  # see two failed probes in it on a loaded machine), then unhealthy.
  run_x hsp --health-cmd false --health-interval 100ms --health-retries 1 --health-start-period 10s \
    --health-start-interval 100ms busybox sleep 100
  poll_until 10 bash -c "[ \$('$DOCKER' inspect -f '{{len .State.Health.Log}}' hsp) -ge 2 ]"
  run dk inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}' hsp
  [[ "$output" =~ ^starting\ 0\ [0-9]+$ ]]
  wait_health hsp unhealthy 30
}

@test "a probe past its timeout is killed and fails with Docker's message" {
  # The probe's sleep outlives the test: a probe killed only in part would leave one behind.
  run_x hslow --health-cmd 'echo partial; sleep 301' --health-timeout 300ms --health-interval 100ms \
    --health-retries 1 busybox sleep 300
  wait_health hslow unhealthy
  run dk inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}}|{{.Output}}{{end}}' hslow
  [ "$output" = "-1|Health check exceeded timeout (300ms): partial" ]
  # Killed probes do not pile up: after four timed-out probes, at most the one in flight has a
  # `sleep 301` running (the container's own pid 1 is `sleep 300`).
  poll_until 30 bash -c "[ \$('$DOCKER' inspect -f '{{.State.Health.FailingStreak}}' hslow) -ge 4 ]"
  run dk exec hslow ps -o args
  [ "$status" -eq 0 ]
  n=$(grep -c '^sleep 301$' <<<"$output" || true)
  [ "$n" -le 1 ] || { echo "$output"; dk inspect -f '{{json .State.Health}}' hslow; false; }
}

@test "docker events --filter event=health_status shows the transitions" {
  t0=$(date +%s.%N)
  id=$(run_x hev --health-cmd 'test ! -e /tmp/sick' --health-interval 100ms --health-retries 1 busybox sleep 100)
  wait_health hev healthy
  dk exec hev touch /tmp/sick
  wait_health hev unhealthy
  # Both transitions are in the event log (polled: the event may follow the status by a moment).
  want=$(printf 'container health_status: healthy %s\ncontainer health_status: unhealthy %s' "$id" "$id")
  health_events() {
    dk events --since "$t0" --until "$(date +%s.%N)" --filter container=hev \
      --filter event=health_status --format '{{.Type}} {{.Action}} {{.Actor.ID}}'
  }
  two_events() { [ "$(health_events | wc -l)" -ge 2 ]; }
  poll_until 30 two_events || true
  run health_events
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  # Probes are execs, and Docker reports them as such.
  run dk events --since "$t0" --until "$(date +%s.%N)" --filter container=hev --filter event=exec_die \
    --format '{{.Action}} {{index .Actor.Attributes "exitCode"}}'
  [[ "$output" == *"exec_die 0"* ]]
  [[ "$output" == *"exec_die 1"* ]]
}

@test "ps --filter health= selects by health status" {
  run_x hgood --health-cmd true --health-interval 100ms busybox sleep 100
  run_x hwait --health-cmd true --health-interval 1m busybox sleep 100
  run_x hnone busybox sleep 100
  run_x hoff --no-healthcheck busybox sleep 100
  wait_health hgood healthy
  [ "$(dk ps --filter label=berth-health-test --filter health=healthy --format '{{.Names}}')" = hgood ]
  [ "$(dk ps --filter label=berth-health-test --filter health=starting --format '{{.Names}}')" = hwait ]
  [ "$(dk ps --filter label=berth-health-test --filter health=none --format '{{.Names}}' | sort | tr '\n' ' ')" = "hnone hoff " ]
  [ -z "$(dk ps --filter label=berth-health-test --filter health=unhealthy -q)" ]
  # --no-healthcheck: no probe, no State.Health at all.
  [ "$(dk inspect -f '{{if .State.Health}}health{{else}}none{{end}}' hoff)" = none ]
  run dk ps --filter health=sick
  [ "$status" -ne 0 ]
  [[ "$output" == *"Unrecognised filter value for health: sick"* ]]
}

@test "ps Status reads like Docker's for up, healthy, starting, paused, exited and created" {
  local t0
  t0=$(date +%s%N)
  run_x sup busybox sleep 100
  run dk ps --filter name=sup --format '{{.Status}}'
  up_status_ok "$output" "$t0" ""
  t0=$(date +%s%N)
  run_x sstart --health-cmd true --health-interval 1m busybox sleep 100
  run dk ps --filter name=sstart --format '{{.Status}}'
  up_status_ok "$output" "$t0" " (health: starting)"
  run_x shealthy --health-cmd true --health-interval 100ms busybox sleep 100
  run_x sexit busybox sh -c 'exit 3'
  id=$(dk create --label berth-health-test --name screated busybox true)
  remember "$id"
  [ "$(dk ps -a --filter name=screated --format '{{.Status}}')" = Created ]
  sleep 2   # a lower bound only: "N seconds" from 2 s on
  wait_health shealthy healthy
  run dk ps --filter name=sup --format '{{.Status}}'
  [[ "$output" =~ ^Up\ [0-9]+\ seconds$ ]]
  run dk ps --filter name=shealthy --format '{{.Status}}'
  [[ "$output" =~ ^Up\ [0-9]+\ seconds\ \(healthy\)$ ]]
  run dk ps -a --filter name=sexit --format '{{.Status}}'
  [[ "$output" =~ ^Exited\ \(3\)\ [0-9]+\ seconds\ ago$ ]]
  dk pause sup
  run dk ps --filter name=sup --format '{{.Status}}'
  [[ "$output" =~ ^Up\ [0-9]+\ seconds\ \(Paused\)$ ]]
  dk unpause sup
}

@test "ps -s and inspect --size count the container's writable layer" {
  run_x hsize busybox sleep 100
  run dk ps -s --filter name=hsize --format '{{.Size}}'
  [[ "$output" =~ ^0B\ \(virtual\ [0-9.]+[kM]B\)$ ]]
  dk exec hsize dd if=/dev/zero of=/data.bin bs=1000 count=150 2>/dev/null
  run dk ps -s --filter name=hsize --format '{{.Size}}'
  [[ "$output" =~ ^150kB\ \(virtual\ [0-9.]+[kM]B\)$ ]]
  read -r rw rootfs < <(dk inspect --size -f '{{.SizeRw}} {{.SizeRootFs}}' hsize)
  [ "$rw" -eq 150000 ]
  image_size=$(dk image inspect -f '{{.Size}}' busybox)
  [ "$rootfs" -eq $((image_size + 150000)) ]
}

@test "stopping a container stops its probes; a restart starts afresh" {
  # A probe waits while /tmp/hold exists: the restart below is seen "starting" however slow
  # the machine (the container's /tmp outlives the stop).
  id=$(run_x hstop --health-cmd 'while [ -e /tmp/hold ]; do sleep 0.1; done; sleep 0.2' --health-interval 100ms busybox sleep 100)
  wait_health hstop healthy
  # The check below sees the container's processes while it runs.
  [ -n "$(grep -l "/$id" /proc/[0-9]*/cgroup 2>/dev/null)" ]
  dk exec hstop touch /tmp/hold
  dk stop -t 1 hstop >/dev/null
  # Docker reports a stopped container's health as unhealthy.
  [ "$(health hstop)" = unhealthy ]
  log1=$(dk inspect -f '{{json .State.Health.Log}}' hstop)
  t1=$(date +%s.%N)
  sleep 1
  [ "$(dk inspect -f '{{json .State.Health.Log}}' hstop)" = "$log1" ]
  # No probe starts after the stop (the exec_die of one cut short by it may come just after).
  run dk events --since "$t1" --until "$(date +%s.%N)" --filter container=hstop --format '{{.Action}}'
  echo "events after stop: $output"
  [ -z "$(grep -v '^exec_die$' <<<"$output")" ]
  # No process is left in the container's cgroup (a probe's `sleep 0.2` would be).
  left=$(grep -l "/$id" /proc/[0-9]*/cgroup 2>/dev/null || true)
  [ -z "$left" ] || { echo "left in the cgroup of $id: $left" >&2; return 1; }
  dk start hstop >/dev/null
  run dk inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' hstop
  [ "$output" = "starting 0" ]
  dk exec hstop rm /tmp/hold
  wait_health hstop healthy
}

@test "pause stops the probes (unhealthy while frozen, as Docker), unpause resumes them" {
  run_x hpause --health-cmd true --health-interval 100ms busybox sleep 100
  wait_health hpause healthy
  dk pause hpause
  [ "$(health hpause)" = unhealthy ]
  log1=$(dk inspect -f '{{json .State.Health.Log}}' hpause)
  sleep 0.5
  [ "$(dk inspect -f '{{json .State.Health.Log}}' hpause)" = "$log1" ]
  dk unpause hpause
  wait_health hpause healthy
  [ "$(dk inspect -f '{{json .State.Health.Log}}' hpause)" != "$log1" ]
}

@test "a daemon restart picks up the healthcheck of a running container afresh" {
  # Probes wait while /tmp/hold exists, made (through the rootfs mount) while no daemon runs:
  # after the restart the check is seen "starting" however slow the machine.
  local id old i
  id=$(run_x hrestore --health-cmd 'while [ -e /tmp/hold ]; do sleep 0.1; done' --health-interval 1s busybox sleep 300)
  wait_health hrestore healthy
  old=$(cat "$PIDFILE")
  kill -TERM "$old"
  for i in $(seq 1 600); do kill -0 "$old" 2>/dev/null || break; sleep 0.05; done
  ! kill -0 "$old" 2>/dev/null
  touch "$D/data/containers/$id/rootfs/tmp/hold"
  "$BERTHD" --data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" --pidfile "$PIDFILE" \
    --config-file "$D/daemon.json" >>"$LOG" 2>&1 3>&- &
  poll_until 30 curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null
  run dk inspect -f '{{.State.Status}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}' hrestore
  [ "$output" = "running starting 0" ]
  dk exec hrestore rm /tmp/hold
  wait_health hrestore healthy
}

@test "invalid healthcheck durations are refused with Docker's message" {
  run dk run -d --label berth-health-test --health-cmd true --health-interval 500us busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"Interval in Healthcheck cannot be less than 1ms"* ]]
  [ -z "$(dk ps -aq --filter label=berth-health-test)" ]
}
