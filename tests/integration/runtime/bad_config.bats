#!/usr/bin/env bats
# A bad config.json: exit 1, a message naming the JSON path, and nothing left on the host.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# expect_refused TEXT...: create fails with exit 1, the message holds every TEXT, nothing is left.
expect_refused() {
  run rt create --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  local t
  for t in "$@"; do [[ "$output" == *"$t"* ]]; done
  [ ! -e "$ROOT/$CID" ]
  [ -z "$(rt list -q 2>/dev/null)" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
  [ ! -d "/sys/fs/cgroup/pids/berth-test/$CID" ]
  ! grep -qF "$BUNDLE" /proc/self/mountinfo
}

@test "bad config: malformed JSON" {
  head -c 200 "$BUNDLE/config.json" > "$BUNDLE/config.json.tmp"
  mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
  expect_refused config.json
}

@test "bad config: wrong type for process.args" {
  update_config '.process.args = "sh -c true"'
  expect_refused process.args
}

@test "bad config: a number where process.args wants strings" {
  update_config '.process.args = ["sh", 3]'
  expect_refused "process.args[1]"
}

@test "bad config: unknown namespace type" {
  update_config '.linux.namespaces = [{"type": "bogus"}] + .linux.namespaces'
  expect_refused "linux.namespaces[0].type" bogus
}

@test "bad config: missing rootfs" {
  update_config '.root.path = "no-such-rootfs"'
  expect_refused root.path no-such-rootfs
}

@test "bad config: a bind mount whose source does not exist" {
  update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/no/such/dir", "options": ["bind"]}]'
  local i; i=$(( $(jq '.mounts | length' "$BUNDLE/config.json") - 1 ))
  expect_refused "mounts[$i].source" /no/such/dir
}

@test "bad config: a mount the kernel rejects fails in the init and leaves nothing" {
  update_config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=bogus"]}]'
  expect_refused tmpfs /x
}

@test "bad config: a missing executable fails run with 1 (as runc), names it, leaves nothing" {
  local exe
  for exe in no-such-binary /no/such/binary; do
    set_args "$exe"
    run rt run --bundle "$BUNDLE" "$CID"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"$exe"* ]]
    [ ! -e "$ROOT/$CID" ]
    [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
  done
}
