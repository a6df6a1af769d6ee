#!/usr/bin/env bats
# process.*: env, cwd, user uid/gid/additionalGids and umask as the container sees them.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "process: env is the config's env, plus HOME from the container's passwd (as runc)" {
  update_config '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY="]'
  set_args env
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | sort | tr '\n' '|')" = "EMPTY=|FOO=bar baz|HOME=/root|PATH=/bin|" ]
  # Nothing of the runtime's own environment crosses over; a HOME in the config wins.
  update_config '.process.env += ["HOME=/elsewhere"]'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | grep -c ^HOME=)" -eq 1 ]
  [[ "$output" == *"HOME=/elsewhere"* ]]
}

@test "process: cwd is created (even under a read-only root) and used" {
  update_config '.process.cwd = "/work/dir"'
  set_args pwd
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = "/work/dir" ]
}

@test "process: user uid, gid and additionalGids" {
  update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 2000, 3000]}'
  set_args sh -c 'id -u; id -g; id -G'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1000" ]
  [ "${lines[1]}" = "1001" ]
  # id -G lists the primary gid first, then the supplementary ones.
  for g in 5 2000 3000; do [[ " ${lines[2]} " == *" $g "* ]]; done
  # Root's supplementary groups of the host are not inherited.
  [[ " ${lines[2]} " != *" 0 "* ]]
}

@test "process: uid 0 without additionalGids has no supplementary groups" {
  set_args sh -c 'grep ^Groups: /proc/self/status'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -d '[:space:]')" = "Groups:" ]
}

@test "process: umask from the config, 0022 by default" {
  update_config '.process.user.umask = 63'   # 0077
  set_args sh -c umask
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = "0077" ]
  update_config 'del(.process.user.umask)'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = "0022" ]
}
