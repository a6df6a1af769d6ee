#!/usr/bin/env bats
# Block I/O options (issue 17): throttles reach the container's cgroup and slow its direct
# writes, `update` changes them, what the host's cgroups lack is discarded with dockerd's warning
# (never a failed start), bad device paths are a 400, and stats report blkio_stats.
load helpers

setup_file() {
  compat_setup_file
  # The whole disk under the data root: containers' upper dirs live there, and blk-throttle
  # takes whole disks only (a partition's major:minor is refused by the kernel).
  local majmin dev
  majmin=$(findmnt -n -o MAJ:MIN -T "$D/data" | tr -d ' ')
  [ -e "/sys/dev/block/$majmin/partition" ] && majmin=$(basename "$(readlink -f "/sys/dev/block/$majmin/..")" |
    xargs -I{} cat /sys/class/block/{}/dev)
  dev=$(awk -F= '$1 == "DEVNAME" {print $2}' "/sys/dev/block/$majmin/uevent" 2>/dev/null)
  export DISK=${dev:+/dev/$dev} DISK_MAJMIN=$majmin
  export BLKIO=/sys/fs/cgroup/blkio
}
teardown_file() { compat_teardown_file; }

need_disk() {
  [ -n "$DISK" ] && [ -b "$DISK" ] || skip "the data root is not on a block device ($DISK_MAJMIN)"
  [ -e "$BLKIO/blkio.throttle.write_bps_device" ] || skip "no v1 blkio throttle files here"
}

# cg_file ID FILE: the container's blkio cgroup file.
cg_file() { cat "$BLKIO/berth/$1/$2"; }

# dd_ms NAME: milliseconds a 6 MiB direct write takes in the running container NAME (busybox
# `time` reports centiseconds: "real 0m 3.01s").
dd_ms() {
  dk exec "$1" sh -c 'rm -f /x; time dd if=/dev/zero of=/x bs=1M count=6 oflag=direct' 2>&1 |
    awk '$1 == "real" { split($2, a, "m"); sub("s", "", $3); print int((a[1] * 60 + $3) * 1000) }'
}

@test "info lists dockerd's warnings for the blkio throttle files this host lacks" {
  [ -d "$BLKIO" ] || skip "no v1 blkio hierarchy here (the v2 words are unit-tested)"
  run dk info --format '{{json .Warnings}}'
  [ "$status" -eq 0 ]
  for f in throttle.read_bps_device throttle.write_bps_device throttle.read_iops_device throttle.write_iops_device; do
    if [ -e "$BLKIO/blkio.$f" ]; then [[ "$output" != *"No blkio $f support"* ]]; else [[ "$output" == *"No blkio $f support"* ]]; fi
  done
  # As dockerd on v1: nothing about the weight (no CFQ since kernel 5.0; nothing to act on).
  [[ "$output" != *"weight"* ]]
}

@test "a 2 MB/s write throttle slows a direct 6 MiB write; the unthrottled one is far faster" {
  need_disk
  dk run -d --name fast busybox sleep 600
  remember "$(dk inspect -f '{{.Id}}' fast)"
  dk run -d --name slow --device-write-bps "$DISK:2mb" busybox sleep 600
  remember "$(dk inspect -f '{{.Id}}' slow)"
  fast=$(dd_ms fast)
  slow=$(dd_ms slow)
  echo "unthrottled ${fast} ms, throttled ${slow} ms" >&3
  [ -n "$fast" ] && [ -n "$slow" ]
  # 6 MiB at 2 MiB/s: about 3 s whatever the disk (the throttle sets the pace, not the machine).
  [ "$slow" -ge 2500 ]
  # The same write without a throttle: at least 4 times faster.
  [ "$(( fast * 4 ))" -le "$slow" ]
  # stats count the bytes written through the throttled cgroup, per device.
  run curl -sf --unix-socket "$SOCK" "http://berth/containers/slow/stats?stream=false"
  [ "$status" -eq 0 ]
  written=$(echo "$output" | jq --arg mm "$DISK_MAJMIN" '[.blkio_stats.io_service_bytes_recursive[]
    | select((.major|tostring) + ":" + (.minor|tostring) == $mm and (.op == "Write" or .op == "write")) | .value] | add')
  [ "$written" -ge 6291456 ]
  # ... and the docker CLI shows them in its BLOCK I/O column ("0B / 6.29MB").
  run dk stats --no-stream --format '{{.BlockIO}}' slow
  [[ "$output" == *" / "[6-9]*MB ]] || { echo "$output"; false; }
  dk rm -f fast slow
}

@test "every throttle lands in its cgroup file; update replaces them on the running container" {
  need_disk
  dk run -d --name thr --device-read-bps "$DISK:1mb" --device-write-bps "$DISK:2mb" \
    --device-read-iops "$DISK:100" --device-write-iops "$DISK:50" busybox sleep 600
  id=$(dk inspect -f '{{.Id}}' thr)
  remember "$id"
  [ "$(cg_file "$id" blkio.throttle.read_bps_device)" = "$DISK_MAJMIN 1048576" ]
  [ "$(cg_file "$id" blkio.throttle.write_bps_device)" = "$DISK_MAJMIN 2097152" ]
  [ "$(cg_file "$id" blkio.throttle.read_iops_device)" = "$DISK_MAJMIN 100" ]
  [ "$(cg_file "$id" blkio.throttle.write_iops_device)" = "$DISK_MAJMIN 50" ]
  [ "$(dk inspect -f '{{(index .HostConfig.BlkioDeviceWriteBps 0).Rate}}' thr)" = 2097152 ]
  # The docker CLI has no update flag for device throttles; the API takes them.
  run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    -d "{\"BlkioDeviceWriteBps\":[{\"Path\":\"$DISK\",\"Rate\":4194304}],\"BlkioDeviceReadIOps\":[{\"Path\":\"$DISK\",\"Rate\":300}]}" \
    "http://berth/containers/thr/update"
  [ "$status" -eq 0 ]
  [[ "$output" == *'"Warnings"'* ]] || { echo "$output"; false; }
  [ "$(cg_file "$id" blkio.throttle.write_bps_device)" = "$DISK_MAJMIN 4194304" ]
  [ "$(cg_file "$id" blkio.throttle.read_iops_device)" = "$DISK_MAJMIN 300" ]
  [ "$(cg_file "$id" blkio.throttle.read_bps_device)" = "$DISK_MAJMIN 1048576" ]  # not in the body: unchanged
  [ "$(dk inspect -f '{{(index .HostConfig.BlkioDeviceWriteBps 0).Rate}}' thr)" = 4194304 ]
  # An empty list lifts the limit in the running container.
  run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    -d '{"BlkioDeviceWriteBps":[]}' "http://berth/containers/thr/update"
  [ "$status" -eq 0 ]
  [ -z "$(cg_file "$id" blkio.throttle.write_bps_device)" ]
  [ "$(cg_file "$id" blkio.throttle.read_iops_device)" = "$DISK_MAJMIN 300" ]
  dk rm -f thr
}

@test "--blkio-weight 300: the weight lands where the host has it, else a warning and the container runs" {
  run dk run -d --name weighted --blkio-weight 300 busybox sleep 600
  [ "$status" -eq 0 ] || { daemon_log; false; }
  id=$(dk inspect -f '{{.Id}}' weighted)
  remember "$id"
  [ "$(dk inspect -f '{{.State.Running}}' weighted)" = true ]
  if [ -e "$BLKIO/blkio.weight" ] || [ -e "$BLKIO/blkio.bfq.weight" ]; then
    f=blkio.weight; [ -e "$BLKIO/$f" ] || f=blkio.bfq.weight
    [ "$(cg_file "$id" $f)" = 300 ]
    [ "$(dk inspect -f '{{.HostConfig.BlkioWeight}}' weighted)" = 300 ]
  else
    [[ "$output" == *"WARNING: Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."* ]]
    [ "$(dk inspect -f '{{.HostConfig.BlkioWeight}}' weighted)" = 0 ]
    # docker update: the same warning, the container untouched.
    run dk update --blkio-weight 300 weighted
    [ "$status" -eq 0 ]
    [[ "$output" == *'Weight discarded.'* ]] || { echo "$output"; false; }
    run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST -d '{"BlkioWeight":300}' \
      "http://berth/containers/weighted/update"
    [[ "$output" == *'Weight discarded.'* ]]
    [ "$(dk inspect -f '{{.State.Running}}' weighted)" = true ]
  fi
  if [ -n "$DISK" ] && [ ! -e "$BLKIO/blkio.weight_device" ] && [ ! -e "$BLKIO/blkio.bfq.weight_device" ]; then
    # A per-device weight the update cannot apply: a warning, and the container's list stays.
    run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
      -d "{\"BlkioWeightDevice\":[{\"Path\":\"$DISK\",\"Weight\":300}]}" "http://berth/containers/weighted/update"
    [[ "$output" == *'Weight-device discarded.'* ]] || { echo "$output"; false; }
    [ "$(dk inspect -f '{{len .HostConfig.BlkioWeightDevice}}' weighted)" = 0 ]
  fi
  dk rm -f weighted
}

@test "a device path that is missing or not a block device is a 400 at create" {
  # docker create exits 1 on a daemon error (run would exit 125).
  run dk create --device-write-bps /dev/nope:1mb busybox true
  [ "$status" -eq 1 ]
  [[ "$output" == *"stat /dev/nope: no such file or directory"* ]]
  run dk create --device-read-iops /dev/null:100 busybox true
  [ "$status" -eq 1 ]
  [[ "$output" == *"/dev/null: not a block device"* ]]
  run curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    -d '{"Image":"busybox","HostConfig":{"BlkioDeviceWriteBps":[{"Path":"/dev/null","Rate":1}]}}' \
    "http://berth/containers/create"
  [ "$output" = 400 ]
  # A wrong-typed entry: encoding/json's words, naming the field.
  run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    -d '{"Image":"busybox","HostConfig":{"BlkioDeviceWriteBps":[{"Path":"/dev/null","Rate":"1"}]}}' \
    "http://berth/containers/create"
  [[ "$output" == *"cannot unmarshal string into Go struct field ThrottleDevice.HostConfig.BlkioDeviceWriteBps.Rate of type uint64"* ]]
  [ -z "$(dk ps -aq)" ]
}
