#!/usr/bin/env bats
# Twenty clients at once, half through the docker CLI and half through curl, each creating,
# starting, waiting for and removing containers for several rounds, some fighting over the
# same names on purpose. Afterwards the daemon's view (ps -a), its SQLite state and the host
# (mounts, shims, container processes, cgroups) must agree, also after a daemon restart.
load helpers

CLIENTS=20
ROUNDS=3

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  start_berthd
}

teardown() {
  local ids
  if [ -n "${BERTHD_PID:-}" ]; then
    ids=$(dk ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
  fi
  teardown_berthd
}

# post PATH [BODY]: a JSON POST; prints the body then the status on its own line.
post() {
  curl -gsS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    ${2:+--data-binary "$2"} -w '\n%{http_code}' "http://berth$1"
}

# fail CLIENT MESSAGE: records a failure of one client.
fail() { echo "client $1: $2" >> "$D/failures"; }

# note_pids ID: records the container's init pid and its shim's pid for the leak checks.
note_pids() {
  local pid
  echo "$1" >> "$D/ids"
  pid=$(api "/containers/$1/json" | jq -r .State.Pid)
  [ "${pid:-0}" -gt 0 ] 2>/dev/null && echo "$pid" >> "$D/pids"
  # (A container that already exited has no shim dir any more.)
  cat "$EXEC/shims/$1/shim.pid" >> "$D/pids" 2>/dev/null
  return 0
}

# release CLIENT ID: once the container's shell has its USR1 trap (an init ignores signals it
# has no handler for, so an earlier signal would be lost), sends it USR1; bounded to 30 s.
release() {
  local pid mask n resp
  pid=$(api "/containers/$2/json" | jq -r .State.Pid)
  for n in $(seq 1 300); do
    mask=$(awk '$1 == "SigCgt:" {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$mask" ] && (( 0x$mask & 0x200 )) && break
    sleep 0.1
  done
  resp=$(post "/containers/$2/kill?signal=USR1")
  [ "${resp##*$'\n'}" = 204 ] || fail "$1" "kill -s USR1 $2: $resp"
}

# A docker CLI client: `docker run` attached (create, attach, wait next-exit, start), its exit
# code checked, then `docker rm`; one `docker run --rm` per round.
cli_client() {
  set +e  # (a background subshell of the test: failures are recorded, not fatal)
  local i=$1 r out code
  for r in $(seq 1 $ROUNDS); do
    out=$(dk run --name "c$i-$r" busybox sh -c "echo hi-$i-$r; exit $((i % 7))" 2>&1)
    code=$?
    [ "$code" -eq $((i % 7)) ] || fail "$i" "docker run c$i-$r: exit $code, want $((i % 7)): $out"
    [ "$out" = "hi-$i-$r" ] || fail "$i" "docker run c$i-$r printed: $out"
    echo "$(dk inspect -f '{{.Id}}' "c$i-$r")" >> "$D/ids"
    out=$(dk rm "c$i-$r" 2>&1) || fail "$i" "docker rm c$i-$r: $out"
    out=$(dk run --rm busybox true 2>&1) || fail "$i" "docker run --rm: $out"
    contend "$i" "$r"
  done
  return 0
}

# A curl client: create, start, wait, remove through the API.
api_client() {
  set +e
  local i=$1 r resp id
  for r in $(seq 1 $ROUNDS); do
    # The container runs until the client signals it, so its pids are noted while it runs
    # however slow the machine is.
    resp=$(post "/containers/create?name=c$i-$r" \
      '{"Image":"busybox","Cmd":["sh","-c","trap \"exit 3\" USR1; while :; do sleep 0.1; done"]}')
    [ "${resp##*$'\n'}" = 201 ] || { fail "$i" "create c$i-$r: $resp"; continue; }
    id=$(echo "${resp%$'\n'*}" | jq -r .Id)
    resp=$(post "/containers/$id/start")
    [ "${resp##*$'\n'}" = 204 ] || fail "$i" "start c$i-$r: $resp"
    note_pids "$id"
    release "$i" "$id"
    resp=$(post "/containers/$id/wait")
    [ "$(echo "${resp%$'\n'*}" | jq -r .StatusCode)" = 3 ] || fail "$i" "wait c$i-$r: $resp"
    resp=$(curl -gsS --unix-socket "$SOCK" -X DELETE -w '%{http_code}' "http://berth/containers/$id")
    [ "$resp" = 204 ] || fail "$i" "remove c$i-$r: $resp"
    contend "$i" "$r"
  done
  return 0
}

# Four clients at a time race for the name dup-<i%5>-<round>: exactly the winners get 201,
# the others Docker's 409; a winner keeps its container (checked at the end).
contend() {
  local i=$1 r=$2 resp status
  resp=$(post "/containers/create?name=dup-$((i % 5))-$r" '{"Image":"busybox","Cmd":["true"]}')
  status=${resp##*$'\n'}
  case $status in
    201) echo "dup-$((i % 5))-$r $(echo "${resp%$'\n'*}" | jq -r .Id)" >> "$D/winners" ;;
    409) [[ "$resp" == *'The container name \"/dup-'*'\" is already in use by container'* ]] ||
      fail "$i" "conflict message: $resp" ;;
    *) fail "$i" "create dup: $resp" ;;
  esac
}

# state_of: "name status exitcode" per container, sorted, from the API; and from SQLite.
api_state() { api '/containers/json?all=1' | jq -r '.[] | "\(.Names[0]) \(.Id)"' | sort; }
db_state() {
  sqlite3 "$DATA/berth.db" 'SELECT id FROM containers' | while read -r id; do
    echo "$(api "/containers/$id/json" | jq -r .Name) $id"
  done | sort
}

@test "20 concurrent clients: every operation answers right, and nothing is left but the name winners" {
  : > "$D/failures"; : > "$D/ids"; : > "$D/pids"; : > "$D/winners"
  local i pids=() start=$SECONDS
  for i in $(seq 1 $CLIENTS); do
    if [ $((i % 2)) -eq 0 ]; then cli_client "$i" & else api_client "$i" & fi
    pids+=($!)
  done
  # Bounded: a hung client is a failure, not a hung test run (generous: 20 clients share a
  # possibly loaded machine).
  local deadline=$((SECONDS + 300)) alive
  while :; do
    alive=0
    for i in "${pids[@]}"; do kill -0 "$i" 2>/dev/null && alive=1; done
    [ $alive -eq 1 ] && [ $SECONDS -lt $deadline ] || break
    sleep 0.2
  done
  for i in "${pids[@]}"; do
    if kill -0 "$i" 2>/dev/null; then echo "client pid $i still running after 300 s" >> "$D/failures"; kill "$i"; fi
    wait "$i" || echo "client pid $i ended with $?" >> "$D/failures"
  done
  echo "clients took $((SECONDS - start)) s" >&2
  [ ! -s "$D/failures" ] || { cat "$D/failures" >&2; cat "$LOG" | tail -20 >&2; return 1; }

  # Exactly one winner per contended name, and those are all that is left.
  [ "$(cut -d' ' -f1 "$D/winners" | sort | uniq -d)" = "" ]
  [ "$(wc -l < "$D/winners")" -eq $((5 * ROUNDS)) ]
  local want
  want=$(sed 's|^|/|' "$D/winners" | sort)
  [ "$(api_state)" = "$want" ]
  [ "$(db_state)" = "$want" ]
  [ "$(sqlite3 "$DATA/berth.db" 'SELECT count(*) FROM containers')" -eq $((5 * ROUNDS)) ]
  cut -d' ' -f2 "$D/winners" >> "$D/ids"

  # The removed containers left nothing: no directories, shims, runtime state, processes,
  # cgroups; the winners were never started, so no mounts at all.
  [ "$(ls "$DATA/containers" | sort)" = "$(cut -d' ' -f2 "$D/winners" | sort)" ]
  [ -z "$(ls "$EXEC/shims")" ]
  [ -z "$(ls "$EXEC/runtime")" ]
  [ -z "$(awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)" ]
  echo "$(wc -l < "$D/pids") pids noted" >&2
  [ "$(wc -l < "$D/pids")" -ge "$CLIENTS" ]
  local pid
  for pid in $(cat "$D/pids"); do
    if kill -0 "$pid" 2>/dev/null && grep -q berth "/proc/$pid/cmdline" 2>/dev/null; then
      echo "process $pid still alive: $(tr '\0' ' ' < /proc/$pid/cmdline)" >&2; return 1
    fi
  done
  local id cg=""
  for id in $(sort -u "$D/ids"); do
    cg+=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*${id}*" 2>/dev/null)
  done
  [ -z "$cg" ] || { echo "leaked cgroups: $cg" >&2; return 1; }

  # A restart shows the same state.
  stop_berthd
  start_berthd
  [ "$(api_state)" = "$want" ]
  [ "$(db_state)" = "$want" ]
  [ "$(api '/containers/json?all=1' | jq -r '.[].State' | sort -u)" = created ]
}

# hammer I: one client's round of start, stop, kill, restart, pause, unpause, exec and wait on
# the shared containers; any answer is fine but a 500 (or no answer).
hammer() {
  set +e
  local i=$1 n op c resp code ops=(start stop kill restart pause unpause exec wait)
  for n in $(seq 1 12); do
    op=${ops[$(( (i * 7 + n * 3) % ${#ops[@]} ))]}
    c="h$(( (i + n) % 5 ))"
    case $op in
      stop | restart) resp=$(post "/containers/$c/$op?t=1") ;;
      exec) resp=$(post "/containers/$c/exec" '{"Cmd":["true"]}') ;;
      wait) resp=$(curl -gsS --max-time 5 --unix-socket "$SOCK" -X POST -w '\n%{http_code}' \
        "http://berth/containers/$c/wait?condition=next-exit" 2>/dev/null) ;;
      *) resp=$(post "/containers/$c/$op") ;;
    esac
    code=${resp##*$'\n'}
    # 000: --max-time on a wait nobody ended, fine; 5xx never.
    case $code in 2?? | 304 | 404 | 409 | 000) ;; *) fail "$i" "$op $c: $resp" ;; esac
  done
  return 0
}

@test "start, stop, kill, restart, pause, exec and wait racing on the same containers; then rm -f" {
  : > "$D/failures"
  local i pids=()
  for i in $(seq 0 4); do
    dk run -d --name "h$i" --restart "$([ $i -eq 0 ] && echo always || echo no)" busybox sleep 1000 >/dev/null
  done
  for i in $(seq 1 $CLIENTS); do hammer "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
  [ ! -s "$D/failures" ] || { cat "$D/failures" >&2; return 1; }
  # Every container is in a state it can be in, and the daemon still answers for each.
  local s
  for i in $(seq 0 4); do
    s=$(dk inspect -f '{{.State.Status}}' "h$i")
    [[ "$s" =~ ^(running|paused|exited|restarting)$ ]] || { echo "h$i: $s" >&2; return 1; }
  done
  ! grep -q 'level=error' "$LOG" || { grep 'level=error' "$LOG" >&2; return 1; }
  dk rm -f h0 h1 h2 h3 h4 >/dev/null
  [ -z "$(dk ps -aq)" ]
  [ "$(sqlite3 "$DATA/berth.db" 'SELECT count(*) FROM containers')" -eq 0 ]
  [ -z "$(ls "$DATA/containers")" ]
  [ -z "$(ls "$EXEC/shims")" ]
  [ -z "$(ls "$EXEC/runtime")" ]
  [ -z "$(awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)" ]
}
