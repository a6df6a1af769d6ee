#!/usr/bin/env bats
# Faults between berthd and the registry, injected by fault_proxy.py: a corrupted blob, a
# connection cut in the middle of a layer, 500s, a manifest over 4 MiB, a redirect loop, a
# registry that never answers, and berthd killed with -9 in the middle of a pull. Each pull
# either fails with a clear error and leaves nothing half-written (a later clean pull works), or
# recovers as the issue states (resume with Range, retry). Each test pulls an image of its own
# (fresh_image), so it always has a layer to download.
load registry_helpers

# What the errors must say, beside the layer or image they name: essential words only, easy to
# adjust once berth's wording is settled.
ERR_DIGEST_RE='digest|verif|mismatch'
ERR_BIG_MANIFEST_RE='too large|exceeds|larger than|4 ?MiB|size'
ERR_REDIRECT_RE='redirect'
ERR_TIMEOUT_RE='timeout|timed out|deadline|no data for|too slow'
# a hung registry must be given up on within this (berthd's own timeouts decide the real time)
HANG_BOUND_S=150

setup_file() {
  registry_prereqs || return 0
  # berthd gives up on a transfer that sends nothing for this long (60 s by default): 3 s keeps
  # the hung-registry test short; it is read by berthd at start
  export BERTH_REGISTRY_STALL_TIMEOUT=3
  registry_setup_file
  BIG_MB=24 make_fixtures "$RT/fx"
  start_registry open
  start_proxy "$REG"
  R=$PROXY
  export R
  push_fixture "oci:$FX/oci:big" "$R/fx/big:1" --format v2s2
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; fault pass; proxy_clear; }
teardown() { on_failure; }

# blob_re DIGEST: the regex of GETs of that blob, for the proxy's match ("METHOD PATH") and its
# log ("METHOD PATH status=...").
blob_re() { echo "^GET /v2/[^ ]+/blobs/$1( |\$)"; }

@test "a corrupted blob: the pull fails naming the layer, nothing is kept, a clean pull works" {
  fresh_image "$R/fx/corrupt:1" 256
  fault corrupt "match=$(blob_re "$FRESH_LAYER")"
  run b pull "$R/fx/corrupt:1"
  failed
  local hex=${FRESH_LAYER#sha256:}
  has "${hex:0:12}" fx/corrupt   # the layer and the image
  has_re "$ERR_DIGEST_RE"
  assert_ingest_empty
  run b image inspect "$R/fx/corrupt:1"
  failed
  fault pass
  run b pull "$R/fx/corrupt:1"
  ok
  run b run --rm "$R/fx/corrupt:1" sha256sum /etc/fixture/unique.bin
  ok; has "$FRESH_SHA"
}

@test "a connection cut in the middle of a layer: the pull resumes it with Range" {
  fresh_image "$R/fx/cut:1" 1024
  fault cut bytes=65536 times=1 "match=$(blob_re "$FRESH_LAYER")"
  run b pull "$R/fx/cut:1"
  ok
  # the second GET of that blob asked for the rest: Range: bytes=N- with N > 0
  grep -E "$(blob_re "$FRESH_LAYER").* range=bytes=[1-9][0-9]*-" "$PROXY_LOG" ||
    { show_proxy_log; false; }
  run b run --rm "$R/fx/cut:1" sha256sum /etc/fixture/unique.bin
  ok; has "$FRESH_SHA"
  assert_ingest_empty
}

@test "a body always cut before its first byte: the pull gives up after bounded retries" {
  fresh_image "$R/fx/trunc:1" 256
  fault cut bytes=0 times=-1 "match=$(blob_re "$FRESH_LAYER")"
  run b pull "$R/fx/trunc:1"
  failed
  local hex=${FRESH_LAYER#sha256:} n
  has "${hex:0:12}" fx/trunc
  n=$(proxy_count "$(blob_re "$FRESH_LAYER")")
  [ "$n" -ge 2 ] && [ "$n" -le 20 ] || { echo "GETs of the cut blob: $n (want a few retries, bounded)"; false; }
  fault pass
  run b pull "$R/fx/trunc:1"
  ok
  run b run --rm "$R/fx/trunc:1" sha256sum /etc/fixture/unique.bin
  ok; has "$FRESH_SHA"
  assert_ingest_empty
}

@test "500 twice, then the registry answers: the pull retries and succeeds" {
  fresh_image "$R/fx/retry:1"
  fault fail500 times=2 'match=^GET /v2/fx/retry/(manifests|blobs)/'
  run b pull "$R/fx/retry:1"
  ok
  [ "$(proxy_count 'status=500')" -eq 2 ]
  run b run --rm "$R/fx/retry:1"
  ok; out_is layer3
}

@test "a manifest over 4 MiB is refused with a clear error" {
  fresh_image "$R/fx/huge:1"
  fault bigmanifest 'match=^(GET|HEAD) /v2/fx/huge/manifests/'
  run b pull "$R/fx/huge:1"
  failed
  has_re 'manifest'
  has "$R/fx/huge"
  has_re "$ERR_BIG_MANIFEST_RE"
  fault pass
  run b pull "$R/fx/huge:1"
  ok
  assert_ingest_empty
}

@test "a redirect loop on a blob ends with a clear error, after a bounded number of hops" {
  fresh_image "$R/fx/loop:1"
  fault redirect "match=$(blob_re "$FRESH_LAYER")"
  run b pull "$R/fx/loop:1"
  failed
  has fx/loop
  has_re "$ERR_REDIRECT_RE"
  [ "$(proxy_count '^GET /__proxy/loop/')" -le 200 ]
  # a partial download may be kept to resume: what counts is that the next pull succeeds and
  # leaves nothing behind
  fault pass
  run b pull "$R/fx/loop:1"
  ok
  assert_ingest_empty
}

@test "a registry that never answers: the pull gives up with an error (bounded)" {
  fresh_image "$R/fx/hang:1"
  fault hang "match=$(blob_re "$FRESH_LAYER")"
  local t0=$SECONDS
  run timeout "$HANG_BOUND_S" "$BERTH" -H "unix://$SOCK" pull "$R/fx/hang:1"
  failed
  [ "$status" -ne 124 ] || { echo "berth pull still waiting after $HANG_BOUND_S s"; false; }
  has_re "$ERR_TIMEOUT_RE"
  echo "gave up after $((SECONDS - t0)) s"
  fault pass
  run b pull "$R/fx/hang:1"
  ok
  assert_ingest_empty
}

@test "kill -9 of berthd during a pull: after a restart the pull succeeds" {
  local big
  big=$(layer_digests "$R/fx/big:1" | tail -n 1)
  # ~2 MB/s: the 24 MiB layer takes ~12 s, long enough to be caught in flight
  fault throttle rate=2000000 "match=$(blob_re "$big")"
  "$BERTH" -H "unix://$SOCK" pull "$R/fx/big:1" > "$RT/killed-pull.log" 2>&1 3>&- &
  local cli=$!
  # in flight: the big layer's GET started and some of it is in the ingest area
  poll_until 60 grep -qE "$(blob_re "$big")" "$PROXY_LOG"
  poll_until 30 sh -c "find '$DATA/content/ingest' -type f -size +64k | grep -q ."
  kill -KILL "$BERTHD_PID"
  poll_until 10 process_gone "$BERTHD_PID"
  wait "$cli" || true
  fault pass
  BERTHD_PID=
  start_berthd </dev/null >/dev/null 3>&-
  run b pull "$R/fx/big:1"
  ok
  run b run --rm "$R/fx/big:1"
  ok; out_is "$(cat "$FX/big.sha256")  /data/random.bin"
  assert_ingest_empty
}
