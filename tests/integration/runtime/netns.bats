#!/usr/bin/env bats
# Joining another container's network namespace through linux.namespaces[].path.
load helpers

setup() { setup_bundle; }
teardown() {
  [ -n "${ROOT_B:-}" ] && for id in $("$RUNTIME" --root "$ROOT_B" list -q 2>/dev/null); do
    "$RUNTIME" --root "$ROOT_B" delete --force "$id" >/dev/null 2>&1 || true
  done
  rmdir "/sys/fs/cgroup/"*"/berth-test/$CID-b" 2>/dev/null || true
  teardown_bundle
}

@test "netns: container B joins container A's network namespace by path" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  local pid_a; pid_a=$(rt state "$CID" | jq .pid)
  local ns_a; ns_a=$(readlink "/proc/$pid_a/ns/net")
  [ "$ns_a" != "$(readlink /proc/self/ns/net)" ]

  # B: its own bundle and root, the network namespace of A.
  ROOT_B=$TEST_DIR/state-b
  local bundle_b=$TEST_DIR/bundle-b
  mkdir -p "$bundle_b"
  cp -a "$BUNDLE/rootfs" "$bundle_b/rootfs"
  jq --arg p "/proc/$pid_a/ns/net" --arg cg "/berth-test/$CID-b" '
      .linux.cgroupsPath = $cg
    | .linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]
    | .process.args = ["sh", "-c", "readlink /proc/self/ns/net; ip link 2>/dev/null | grep -c \": lo:\""]' \
    "$BUNDLE/config.json" > "$bundle_b/config.json"
  run "$RUNTIME" --root "$ROOT_B" run --bundle "$bundle_b" "$CID-b"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$ns_a" ]
  # A itself sees the same namespace.
  run rt exec "$CID" readlink /proc/self/ns/net
  [ "$output" = "$ns_a" ]
}

@test "netns: two containers with their own network namespaces differ" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  local pid_a; pid_a=$(rt state "$CID" | jq .pid)
  ROOT_B=$TEST_DIR/state-b
  update_config '.linux.cgroupsPath = "/berth-test/'"$CID"'-b" | .process.args = ["readlink", "/proc/self/ns/net"]'
  run "$RUNTIME" --root "$ROOT_B" run --bundle "$BUNDLE" "$CID-b"
  [ "$status" -eq 0 ]
  [ "$output" != "$(readlink "/proc/$pid_a/ns/net")" ]
  [[ "$output" == net:* ]]
}

@test "netns: a namespace path that does not exist fails create and names the field" {
  update_config '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = "/proc/999999999/ns/net" else . end]'
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.namespaces[1].path"* ]]
  [ -z "$(rt list -q)" ]
}

@test "netns: a new network namespace has lo up, and 127.0.0.1 works inside it" {
  update_config '.root.readonly = false'
  # The client retries until the listener is up (30 s at most), and the listener's output is
  # read once it has exited: no bet on how soon either happens. The listener's stdin is a fifo
  # held open (fd 3): on /dev/null's EOF busybox nc may end the connection before reading it.
  set_args sh -c 'ip link show lo | head -n 1; mkfifo /tmp/in; nc -l -p 8080 < /tmp/in > /tmp/got & l=$!; exec 3>/tmp/in
    i=0; until echo ping | nc -w 2 127.0.0.1 8080 2>/dev/null; do i=$((i+1)); [ $i -lt 300 ] || break; sleep 0.1; done
    wait $l; cat /tmp/got'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"<LOOPBACK,UP"* ]]
  [ "${lines[1]}" = ping ] || { echo "$output"; false; }
}
