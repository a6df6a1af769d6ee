#!/usr/bin/env bats
# OCI 1.1 recursive mount options ("rro", "rnoexec", ...): applied with mount_setattr to a bind
# and every mount below it; the plain option ("ro") applies to the top mount only.
load helpers

setup() {
  setup_bundle
  TREE=$TEST_DIR/tree
  mkdir -p "$TREE/sub"
  mount -t tmpfs -o size=1m tmpfs "$TREE/sub"
}

teardown() {
  umount "$TREE/sub" 2>/dev/null || true
  teardown_bundle
}

# probe: one word per place (the bind's top, its submount): rw or ro.
probe='for p in /t /t/sub; do if touch "$p/w" 2>/dev/null; then echo rw; else echo ro; fi; done'

@test "rro makes the submount of a bind read-only; ro alone does not" {
  update_config '.mounts += [{"destination": "/t", "type": "bind", "source": "'"$TREE"'", "options": ["rbind", "ro"]}]'
  set_args sh -c "$probe"
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = rw ]
  rt delete "$CID" 2>/dev/null || true

  update_config '.mounts[-1].options = ["rbind", "ro", "rro"]'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = ro ]
  # Only the container's view changed: the host's submount is still writable.
  touch "$TREE/sub/host" && [ -f "$TREE/sub/host" ]
}

@test "rnoexec and rnosuid reach the submount (mountinfo flags)" {
  update_config '.mounts += [{"destination": "/t", "type": "bind", "source": "'"$TREE"'", "options": ["rbind", "rnoexec", "rnosuid"]}]'
  set_args sh -c 'grep " /t/sub " /proc/self/mountinfo'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  echo "$output"
  [[ "$output" == *"noexec"* ]]
  [[ "$output" == *"nosuid"* ]]
}

@test "features lists the recursive options" {
  run rt features
  [ "$status" -eq 0 ]
  for o in rro rrw rnosuid rnodev rnoexec rnosymfollow ratime; do
    echo "$output" | jq -e --arg o "$o" '.mountOptions | index($o)' >/dev/null
  done
}
