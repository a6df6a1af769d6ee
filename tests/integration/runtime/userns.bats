#!/usr/bin/env bats
# linux.namespaces user with uidMappings/gidMappings: container 0 is host 100000.
load helpers

setup() {
  setup_bundle
  # The container's root owns its rootfs: chown this test's copy to the mapped range.
  chown -R 100000:100000 "$BUNDLE/rootfs"
  # ... and must reach it: the temp dirs above the bundle are 0700, so let others search them.
  local d=$BUNDLE
  while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
  SHARED=$TEST_DIR/shared
  mkdir -p "$SHARED"
  chown 100000:100000 "$SHARED"
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts += [{"destination": "/shared", "type": "bind", "source": "'"$SHARED"'", "options": ["rbind", "rw"]}]'
}
teardown() { teardown_bundle; }

@test "userns: root inside is uid 100000 outside; maps and file ownership show it" {
  set_args sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; touch /shared/made-inside; ls -ln /shared/made-inside'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
  [ "$(echo "${lines[3]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
  # Inside the file belongs to 0; on the host to 100000.
  [ "$(echo "${lines[4]}" | awk '{ print $3 ":" $4 }')" = "0:0" ]
  [ "$(stat -c %u:%g "$SHARED/made-inside")" = "100000:100000" ]
}

@test "userns: the container's root has no power over host-owned files" {
  echo host > "$SHARED/host-file"
  chown 0:0 "$SHARED/host-file"
  chmod 644 "$SHARED/host-file"
  set_args sh -c 'ls -ln /shared/host-file; echo x >> /shared/host-file 2>&1; echo write=$?'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  # Host uid 0 is unmapped inside: it shows as the overflow uid 65534.
  [ "$(echo "${lines[0]}" | awk '{ print $3 }')" = 65534 ]
  [[ "$output" == *"Permission denied"* ]]
  [[ "$output" == *"write=1"* ]]
  [ "$(cat "$SHARED/host-file")" = host ]
}

@test "userns: the process runs as 100000 on the host" {
  set_args sleep 100
  rt run --bundle "$BUNDLE" "$CID" 3>&- &
  wait_for_status "$CID" running
  local pid; pid=$(rt state "$CID" | jq .pid)
  [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 100000 ]
  [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
  rt kill "$CID" KILL
  wait
}

@test "userns: create and start (the init opens the exec fifo as the mapped root)" {
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  rt start "$CID"
  wait_for_status "$CID" running
}
