#!/usr/bin/env bats
# --network/--pid/--ipc container:X join X's namespaces; --uts/--ipc/--pid host use the
# host's; --ipc shareable shares /dev/shm; moby's errors for a missing, stopped or
# non-shareable donor and for bad modes. Checked by the namespace inodes the kernel shows.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

ns_of() { dk exec "$1" readlink "/proc/self/ns/$2"; }

@test "--network container:X shares X's network namespace and hostname" {
  id=$(dk run -d --hostname donor-host busybox sleep 100)
  remember "$id"
  run dk run --rm --network container:"$id" busybox sh -c 'readlink /proc/self/ns/net; hostname; cat /etc/hostname'
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = "$(ns_of "$id" net)" ]
  [ "${lines[1]}" = donor-host ]
  [ "${lines[2]}" = donor-host ]
  dk rm -f "$id"
}

@test "--pid container:X sees X's processes" {
  id=$(dk run -d busybox sleep 101)
  remember "$id"
  run dk run --rm --pid container:"$id" busybox ps -o args
  [ "$status" -eq 0 ] || daemon_log
  [[ "$output" == *"sleep 101"* ]]
  dk rm -f "$id"
}

@test "--ipc shareable + --ipc container:X: one IPC namespace and one /dev/shm" {
  id=$(dk run -d --ipc shareable busybox sh -c 'echo from-donor > /dev/shm/d.new; mv /dev/shm/d.new /dev/shm/d; sleep 100')
  remember "$id"
  poll_until 30 dk exec "$id" test -e /dev/shm/d
  run dk run --rm --ipc container:"$id" busybox sh -c 'cat /dev/shm/d; echo from-joiner > /dev/shm/j; readlink /proc/self/ns/ipc'
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = from-donor ]
  [ "${lines[1]}" = "$(ns_of "$id" ipc)" ]
  [ "$(dk exec "$id" cat /dev/shm/j)" = from-joiner ]
  full=$(dk inspect -f '{{.Id}}' "$id")
  grep -q "$full/shm" /proc/self/mountinfo
  dk rm -f "$id"
  # The host-side /dev/shm tmpfs goes with the container.
  ! grep -q "$full/shm" /proc/self/mountinfo
}

@test "--ipc container:X of a non-shareable X is refused as moby does" {
  id=$(dk run -d busybox sleep 100)
  remember "$id"
  run dk run --rm --ipc container:"$id" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"container $id: non-shareable IPC (hint: use IpcMode:shareable for the donor container)"* ]]
  dk rm -f "$id"
}

@test "host modes: --uts host, --pid host, --ipc host use the host's namespaces" {
  run dk run --rm --uts host --pid host --ipc host busybox sh -c 'hostname; for n in uts pid ipc; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = "$(hostname)" ]
  [ "${lines[1]}" = "$(readlink /proc/self/ns/uts)" ]
  [ "${lines[2]}" = "$(readlink /proc/self/ns/pid)" ]
  [ "${lines[3]}" = "$(readlink /proc/self/ns/ipc)" ]
  run dk run --rm --ipc none busybox sh -c 'grep -c " /dev/shm " /proc/mounts'
  [ "$output" = 0 ]
}

@test "a missing or stopped donor, a bad mode, a conflicting hostname: Docker's errors, nothing left" {
  before=$(dk ps -aq | wc -l)
  run dk run --rm --network container:nosuch busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"No such container: nosuch"* ]]
  stopped=$(dk create busybox true)
  remember "$stopped"
  run dk run --rm --network container:"$stopped" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"cannot join network of a non running container: $stopped"* ]]
  run dk run --rm --pid container:"$stopped" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"container $stopped is not running"* ]]
  run dk run --rm --uts host --hostname h busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"conflicting options: hostname and the UTS mode"* ]]
  run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    http://berth/containers/create -d '{"Image":"busybox","HostConfig":{"IpcMode":"bogus"}}'
  [ "$(echo "$output" | jq -r .message)" = "invalid IPC mode: bogus" ]
  dk rm "$stopped"
  [ "$(dk ps -aq | wc -l)" -eq "$before" ]
}

@test "--storage-opt is refused with dockerd's words (no quota support on overlay here)" {
  run dk run --rm --storage-opt size=1G busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"--storage-opt is supported only for overlay over xfs with 'pquota' mount option"* ]]
}
