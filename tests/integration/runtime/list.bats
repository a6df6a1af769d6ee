#!/usr/bin/env bats
# list: table, --quiet and --format json.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "list: --format json shows every container with its status, pid and bundle" {
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID-a"
  rt run -d --bundle "$BUNDLE" "$CID-b"
  run rt list --format json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq length <<<"$output")" -eq 2 ]
  [ "$(jq -r --arg id "$CID-a" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
  [ "$(jq -r --arg id "$CID-b" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
  [ "$(jq -r --arg id "$CID-b" '.[] | select(.id == $id) | .pid' <<<"$output")" = "$(rt state "$CID-b" | jq .pid)" ]
  [ "$(jq -r '.[0].bundle' <<<"$output")" = "$BUNDLE" ]
  # runc's fields are all there.
  [ "$(jq -r '.[0] | has("rootfs") and has("created") and has("owner")' <<<"$output")" = true ]
  rmdir "/sys/fs/cgroup/"*"/berth-test/$CID-"[ab] 2>/dev/null || true
}

@test "list: -q prints ids only, the table has a header, an empty root lists nothing" {
  run rt list --format json
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ] || [ -z "$output" ]
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  run rt list -q
  [ "$output" = "$CID" ]
  run rt list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == ID* ]]
  [[ "${lines[1]}" == "$CID "*running* ]]
}
