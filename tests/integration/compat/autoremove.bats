#!/usr/bin/env bats
# --rm (HostConfig.AutoRemove): removed when the container exits for good, kept across
# `docker restart` (as Docker does), and its throw-away rootfs is mounted volatile.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "a --rm container's rootfs is a volatile overlay; an ordinary one's is not" {
  rm_id=$(dk run -d --rm busybox sleep 100)
  keep_id=$(dk run -d busybox sleep 100)
  remember "$rm_id"; remember "$keep_id"
  grep " $D/data/containers/$rm_id/rootfs " /proc/self/mountinfo | grep -q volatile
  ! grep " $D/data/containers/$keep_id/rootfs " /proc/self/mountinfo | grep -q volatile
  dk rm -f "$rm_id" "$keep_id"
}

@test "docker restart keeps a --rm container; it is removed once it exits" {
  id=$(dk run -d --rm busybox sh -c 'echo data > /f; sleep 100')
  remember "$id"
  run dk restart -t 1 "$id"
  [ "$status" -eq 0 ] || daemon_log
  [ "$(dk inspect -f '{{.State.Status}}' "$id")" = running ]
  # Mounted again (volatile), with the container's own changes.
  [ "$(dk exec "$id" cat /f)" = data ]
  dk kill "$id" >/dev/null
  gone() { ! dk inspect "$id" >/dev/null 2>&1; }
  poll_until 30 gone || true
  run dk inspect "$id"
  [ "$status" -ne 0 ]
  [ ! -e "$D/data/containers/$id" ]
}

@test "docker stop: events come as Docker sends them, kill then die then stop (10 stops)" {
  since=$(date +%s)
  ids=""
  for i in $(seq 1 10); do
    # pid 1 ignores SIGTERM unless it handles it: trap it (and wait until it is trapped)
    id=$(dk run -d busybox sh -c 'trap "exit 0" TERM; touch /ready; sleep 100 & wait')
    remember "$id"; ids+=" $id"
    poll_until 30 dk exec "$id" test -e /ready
    dk stop -t 10 "$id" >/dev/null
    dk rm "$id" >/dev/null
  done
  until=$(( $(date +%s) + 1 ))
  order=$(dk events --since "$since" --until "$until" --filter type=container \
    --filter event=kill --filter event=die --filter event=stop --format '{{.Actor.ID}} {{.Action}}')
  for id in $ids; do
    [ "$(echo "$order" | awk -v i="$id" '$1 == i {printf "%s ", $2}')" = "kill die stop " ] || { echo "$order"; false; }
  done
}
