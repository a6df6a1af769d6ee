#!/usr/bin/env bats
# Pull, as a Docker user sees it through the berth CLI: by tag and by digest, OCI and Docker
# schema2 manifests, a multi-platform index, a zstd layer, a re-pull that downloads nothing,
# `pull -a`, a missing tag, `pull -q`, and the Engine API's JSON progress stream. Every pull goes
# through the fault proxy (in pass mode) so a test can count the registry requests it made.
load registry_helpers

setup_file() {
  registry_prereqs || return 0
  registry_setup_file
  make_fixtures "$RT/fx"
  start_registry open
  start_proxy "$REG"
  R=$PROXY
  export R
  push_fixture "oci:$FX/oci:three" "$R/fx/three:oci" --format oci
  push_fixture "oci:$FX/oci:three" "$R/fx/three:v2s2" --format v2s2
  push_fixture "oci:$FX/oci:multi" "$R/fx/multi:1" --all
  push_fixture "oci:$FX/zstd:three" "$R/fx/zstd:1"
  push_fixture "oci:$FX/oci:amd" "$R/fx/all:a1" --format v2s2
  push_fixture "oci:$FX/oci:three" "$R/fx/all:a2" --format v2s2
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; fault pass; proxy_clear; }
teardown() { on_failure; }

@test "pull by tag of a fresh image: Docker's lines, then run prints the top layer's file" {
  fresh_image "$R/fx/fresh:1"
  run b pull "$R/fx/fresh:1"
  ok
  has "$(msg_pulling fx/fresh)" "Digest: $(manifest_digest "$R/fx/fresh:1")" "$(msg_downloaded "$R/fx/fresh:1")"
  [ "${lines[-1]}" = "$R/fx/fresh:1" ]
  run b run --rm "$R/fx/fresh:1"
  ok; out_is layer3
  run b run --rm "$R/fx/fresh:1" sha256sum /etc/fixture/unique.bin
  ok; has "$FRESH_SHA"
}

@test "pull of an OCI manifest by tag: each layer's files, config Env and Cmd" {
  run b pull "$R/fx/three:oci"
  ok
  run b run --rm "$R/fx/three:oci"
  ok; out_is layer3
  run b run --rm "$R/fx/three:oci" cat /etc/fixture/b.txt
  ok; out_is b
  run b run --rm "$R/fx/three:oci" sh -c 'echo $FIXTURE'
  ok; out_is three
}

@test "pull of a Docker schema2 manifest by tag runs" {
  run b pull "$R/fx/three:v2s2"
  ok
  run b run --rm "$R/fx/three:v2s2"
  ok; out_is layer3
}

@test "pull by digest: OCI and schema2; RepoDigests names the digest" {
  local f dig
  for f in oci v2s2; do
    dig=$(manifest_digest "$R/fx/three:$f")
    run b pull "$R/fx/three@$dig"
    ok
    has "$R/fx/three@$dig"
    run b run --rm "$R/fx/three@$dig"
    ok; out_is layer3
    run b image inspect -f '{{json .RepoDigests}}' "$R/fx/three@$dig"
    ok; has "$R/fx/three@$dig"
  done
}

@test "multi-platform index: linux/amd64 by default, --platform linux/arm64 gets the other" {
  [ "$(uname -m)" = x86_64 ] || skip "the default platform is asserted for an amd64 host"
  run b pull "$R/fx/multi:1"
  ok
  run b image inspect -f '{{.Architecture}}' "$R/fx/multi:1"
  ok; out_is amd64
  run b run --rm "$R/fx/multi:1"
  ok; out_is amd64
  run b pull --platform linux/arm64 "$R/fx/multi:1"
  ok
  run b image inspect -f '{{.Architecture}} {{.Os}}' "$R/fx/multi:1"
  ok; out_is "arm64 linux"
}

@test "--platform of another platform than a single-platform image's: refused, nothing downloaded" {
  [ "$(uname -m)" = x86_64 ] || skip "the fixture is an amd64 image"
  fresh_image "$R/fx/single:1"
  proxy_clear
  run b pull --platform linux/arm64 "$R/fx/single:1"
  failed
  has "does not match the specified platform: wanted linux/arm64, actual: linux/amd64"
  run grep -c "$FRESH_LAYER" "$PROXY_LOG"
  [ "$output" = 0 ]  # the layer was never asked for
  run b pull --platform linux/amd64 "$R/fx/single:1"
  ok
}

@test "an image with zstd-compressed layers pulls and runs" {
  run skopeo inspect --tls-verify=false --raw "docker://$R/fx/zstd:1"
  [[ "$output" == *"tar+zstd"* ]]  # the fixture is what it claims
  run b pull "$R/fx/zstd:1"
  ok
  run b run --rm "$R/fx/zstd:1"
  ok; out_is layer3
}

@test "re-pull of a present image: 'Image is up to date', no blob downloaded" {
  run b pull "$R/fx/three:v2s2"
  ok
  proxy_clear
  run b pull "$R/fx/three:v2s2"
  ok
  has "$(msg_up_to_date "$R/fx/three:v2s2")"
  [ "$(proxy_count "$BLOB_GET_RE")" -eq 0 ]
}

@test "layers already present are not downloaded again (the same blobs under another tag)" {
  run b pull "$R/fx/three:oci"
  ok
  # schema2 of the same image: the same layer and config blobs, another manifest
  run b rmi "$R/fx/three:v2s2"
  proxy_clear
  run b pull "$R/fx/three:v2s2"
  ok
  [ "$(proxy_count "$BLOB_GET_RE")" -eq 0 ]
}

@test "pull -a pulls every tag of the repository" {
  run b pull -a "$R/fx/all"
  ok
  run b images --format '{{.Tag}}' "$R/fx/all"
  ok
  has a1 a2
  run b run --rm "$R/fx/all:a1"
  ok; out_is amd64
}

@test "layers download in parallel, 3 at a time (max-concurrent-downloads' default)" {
  new_layers_image "$R/fx/par:1" 5 512
  # each layer takes ~1 s at 512 KB/s, so downloads that overlap are seen at once
  fault throttle rate=524288 "match=^GET /v2/fx/par/blobs/($NEW_LAYERS)( |\$)"
  run b pull "$R/fx/par:1"
  ok
  local m
  m=$(proxy_stat max_concurrent)
  [ "$m" -eq 3 ] || { echo "layers downloaded at once: $m, want 3"; false; }
  run b run --rm "$R/fx/par:1"
  ok
  has layer1.bin layer5.bin
}

@test "pull of a missing tag fails with Docker's 'manifest unknown'" {
  run b pull "$R/fx/three:nope"
  failed
  has "$(msg_manifest_unknown "$R/fx/three:nope")"
}

@test "run of a missing image pulls it first, as docker does" {
  fresh_image "$R/fx/runpull:1"
  run b run --rm "$R/fx/runpull:1" sha256sum /etc/fixture/unique.bin
  ok
  has "$(msg_unable_to_find "$R/fx/runpull:1")" "$FRESH_SHA"
}

@test "run --pull never of a missing image fails; --pull always asks the registry again" {
  fresh_image "$R/fx/policy:1"
  proxy_clear  # skopeo's own requests
  run b run --rm --pull never "$R/fx/policy:1"
  failed
  [ "$(proxy_count '^GET /v2/fx/policy/manifests/')" -eq 0 ]
  run b pull "$R/fx/policy:1"
  ok
  proxy_clear
  run b run --rm --pull always "$R/fx/policy:1"
  ok
  has layer3
  [ "$(proxy_count '^(GET|HEAD) /v2/fx/policy/manifests/')" -ge 1 ]
  [ "$(proxy_count "$BLOB_GET_RE")" -eq 0 ]
}

@test "pull -q prints just the reference" {
  fresh_image "$R/fx/quiet:1"
  run b pull -q "$R/fx/quiet:1"
  ok
  out_is "$R/fx/quiet:1"
}

@test "POST /images/create streams Docker's JSON progress: per-layer ids, then the status" {
  fresh_image "$R/fx/stream:1"
  local out=$RT/stream.json
  api "/images/create?fromImage=$R/fx/stream&tag=1" -X POST > "$out"
  # every line is a JSON object; none is an error
  jq -e . "$out" >/dev/null
  [ "$(jq -s '[.[] | select(.errorDetail or .error)] | length' "$out")" -eq 0 ]
  # the unique top layer is named by its short id, as Docker does (12 hex digits)
  local short=${FRESH_LAYER#sha256:}
  short=${short:0:12}
  jq -e -s --arg id "$short" 'any(.[]; .id == $id)' "$out" >/dev/null
  jq -e -s 'any(.[]; .progressDetail != null)' "$out" >/dev/null
  jq -e -s --arg s "$(msg_downloaded "$R/fx/stream:1")" 'any(.[]; .status == $s)' "$out" >/dev/null
}

# Last in the file: it restarts berthd with another daemon.json (teardown_file stops the new
# one through its pid file).
@test "daemon.json max-concurrent-downloads: 1 downloads one layer at a time" {
  stop_berthd
  echo '{"max-concurrent-downloads": 1}' > "$CONFIG"
  start_berthd </dev/null >/dev/null 3>&-
  new_layers_image "$R/fx/serial:1" 3 256
  fault throttle rate=524288 "match=^GET /v2/fx/serial/blobs/($NEW_LAYERS)( |\$)"
  run b pull "$R/fx/serial:1"
  ok
  local m
  m=$(proxy_stat max_concurrent)
  [ "$m" -eq 1 ] || { echo "layers downloaded at once: $m, want 1"; false; }
}
