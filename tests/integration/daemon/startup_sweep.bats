#!/usr/bin/env bats
# No disk space is lost for good: berthd's start-up removes what operations a killed berthd
# cut short left behind (ingests of commits and loads, container dirs without a record, blobs
# and layers no image references, unpack temp dirs), a load that fails drops its partial blob
# at once, and `system df` counts the content store it keeps.
load helpers

setup() { start_berthd; }
teardown() { teardown_berthd; }

sum_sizes() { find "$@" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'; }

@test "start-up removes leftovers of killed commits, loads and creates; images still work" {
  stop_berthd
  # A killed commit's ingest (berth names them commit-<pid>-<time>), 3 MB of it.
  ref="commit-4242-2026-01-01T00:00:00.000000000Z"
  ing="$DATA/content/ingest/$(printf %s "$ref" | sha256sum | cut -c1-64)"
  mkdir -p "$ing"
  head -c 3000000 /dev/urandom > "$ing/data"
  printf %s "$ref" > "$ing/ref"
  : > "$ing/lock"
  # A torn ingest without even its ref file.
  mkdir -p "$DATA/content/ingest/torn"
  head -c 1000 /dev/urandom > "$DATA/content/ingest/torn/data"
  # A load's blob no image references.
  head -c 200000 /dev/urandom > "$D/blob"
  hex=$(sha256sum "$D/blob" | cut -c1-64)
  cp "$D/blob" "$DATA/content/blobs/sha256/$hex"
  # A create killed between the snapshot and the record.
  orphan=$(printf '%064d' 7 | tr 0 a)
  mkdir -p "$DATA/containers/$orphan/upper/etc" "$DATA/containers/$orphan/work"
  echo lost > "$DATA/containers/$orphan/upper/etc/f"
  # An unpack cut short.
  mkdir -p "$DATA/layers/.tmp-0123456789ab-Xy12Zq/diff"
  echo half > "$DATA/layers/.tmp-0123456789ab-Xy12Zq/diff/f"
  start_berthd
  [ ! -e "$ing" ]
  [ -z "$(ls -A "$DATA/content/ingest")" ]
  [ ! -e "$DATA/content/blobs/sha256/$hex" ]
  [ ! -e "$DATA/containers/$orphan" ]
  [ ! -e "$DATA/layers/.tmp-0123456789ab-Xy12Zq" ]
  grep -q "start-up clean-up" "$LOG"
  # What images and containers use is untouched.
  run dk run --rm busybox echo still-here
  [ "$status" -eq 0 ]
  [ "$output" = still-here ]
}

@test "a container's dir survives start-up; only dirs without a record go" {
  id=$(dk create busybox true)
  stop_berthd
  start_berthd
  [ -d "$DATA/containers/$id" ]
  run dk start -a "$id"
  [ "$status" -eq 0 ]
  dk rm "$id"
}

@test "system df counts the content store next to the unpacked layers" {
  blobs=$(sum_sizes "$DATA/content/blobs")
  [ "$blobs" -gt 0 ]
  unpacked=$(api /system/df | jq '[.Images[].Size] | add')
  [ "$(api /system/df | jq .LayersSize)" -ge $((blobs + unpacked)) ]
}

@test "a load cut short drops its partial blob at once" {
  dk save busybox > "$D/bb.tar"
  # Without the image its blobs are gone, so the load writes them (it skips blobs it has).
  dk rmi busybox >/dev/null
  size=$(stat -c %s "$D/bb.tar")
  # Half of it ends inside the layer blob, the archive's bulk.
  head -c $((size / 2)) "$D/bb.tar" > "$D/cut.tar"
  run dk load -i "$D/cut.tar"
  [ "$status" -ne 0 ]
  [ -z "$(ls -A "$DATA/content/ingest")" ] || { ls -la "$DATA/content/ingest"/*; false; }
}
