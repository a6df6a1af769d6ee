#!/usr/bin/env bats
# berth commit against a berthd of the test's own.
load cli_helpers
bats_require_minimum_version 1.5.0

setup() { require_berthd; }
teardown() {
  if [ -n "${SOCK:-}" ] && [ -S "$SOCK" ]; then
    for id in $(b ps -aq 2>/dev/null); do b rm -f "$id" >/dev/null 2>&1 || true; done
  fi
  teardown_berthd
}

@test "berth commit -c -m -a of a container, then berth run of the image" {
  b run --name src busybox sh -c 'echo committed > /f; rm /bin/vi'
  run b commit -c 'CMD ["cat", "/f"]' -m "by berth" -a "Cy" src me/bcommit:1
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$output" == sha256:* ]]
  [ "$(b run --rm me/bcommit:1)" = committed ]
  run b run --rm me/bcommit:1 ls /bin/vi
  [ "$status" -ne 0 ]
  [ "$(b image inspect -f '{{.Comment}} {{.Author}}' me/bcommit:1)" = "by berth Cy" ]
  run b commit -c 'FROM busybox' src me/bcommit:2
  [ "$status" -ne 0 ]
  [[ "$output" == *FROM* ]]
}

@test "a rootfs mount left by a killed berthd is unmounted when it starts again" {
  id=$(b create --name left busybox true)
  g=$(b inspect -f '{{.GraphDriver.Data.LowerDir}} {{.GraphDriver.Data.UpperDir}} {{.GraphDriver.Data.WorkDir}} {{.GraphDriver.Data.MergedDir}}' left)
  set -- $g
  merged=$4
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$merged"
  mountpoint -q "$merged"
  stop_berthd KILL
  start_berthd
  if mountpoint -q "$merged"; then umount "$merged"; false; fi
  grep -q "container ${id:0:12}: unmounted a leftover rootfs mount" "$LOG"
}
