#!/usr/bin/env bats
# The real docker CLI (/usr/local/bin/docker) against berthd, pulling from and pushing to a
# private registry: what it prints is what a Docker user reads, so these pin berthd's JSON
# progress stream and errors to what Docker's own client expects.
load registry_helpers

setup_file() {
  registry_prereqs || return 0
  registry_setup_file
  [ -x "$DOCKER" ] || { export REG_SKIP="no docker CLI at $DOCKER"; return 0; }
  make_fixtures "$RT/fx"
  start_registry open
  start_proxy "$REG"
  R=$PROXY
  export R
  push_fixture "oci:$FX/oci:three" "$R/fx/three:1" --format v2s2
  push_fixture "oci:$FX/oci:multi" "$R/fx/multi:1" --all
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; fault pass; proxy_clear; }
teardown() { on_failure; }

@test "docker pull: Docker's lines, the reference last; docker run prints the layer's file" {
  fresh_image "$R/fx/dk:1"
  run dk pull "$R/fx/dk:1"
  ok
  has "$(msg_pulling fx/dk)" "Pull complete" "Digest: $(manifest_digest "$R/fx/dk:1")" \
    "$(msg_downloaded "$R/fx/dk:1")"
  [ "${lines[-1]}" = "$R/fx/dk:1" ]
  run dk run --rm "$R/fx/dk:1"
  ok; out_is layer3
  run dk image inspect -f '{{json .RepoDigests}}' "$R/fx/dk:1"
  ok; has "$R/fx/dk@$(manifest_digest "$R/fx/dk:1")"
}

@test "docker pull of a present image: 'Image is up to date', no blob fetched" {
  run dk pull "$R/fx/three:1"
  ok
  proxy_clear
  run dk pull "$R/fx/three:1"
  ok
  has "$(msg_up_to_date "$R/fx/three:1")"
  [ "$(proxy_count "$BLOB_GET_RE")" -eq 0 ]
}

@test "docker run of a missing image pulls it first" {
  fresh_image "$R/fx/runpull:1"
  run dk run --rm "$R/fx/runpull:1" sha256sum /etc/fixture/unique.bin
  ok
  has "$(msg_unable_to_find "$R/fx/runpull:1")" "$(msg_downloaded "$R/fx/runpull:1")" "$FRESH_SHA"
}

@test "docker pull -q prints just the reference" {
  fresh_image "$R/fx/dkq:1"
  run dk pull -q "$R/fx/dkq:1"
  ok
  out_is "$R/fx/dkq:1"
}

@test "docker pull of a missing tag: Docker's 'manifest unknown' error" {
  run dk pull "$R/fx/three:nope"
  failed
  has "Error response from daemon: $(msg_manifest_unknown "$R/fx/three:nope")"
}

@test "docker pull --platform linux/arm64 of an index gets the arm64 image" {
  run dk pull --platform linux/arm64 "$R/fx/multi:1"
  ok
  run dk image inspect -f '{{.Architecture}}' "$R/fx/multi:1"
  ok; out_is arm64
}

@test "docker push: skopeo sees it; a second push says 'Layer already exists' and sends no blob" {
  dk tag busybox "$R/me/dkbb:1"
  run dk push "$R/me/dkbb:1"
  ok
  has "1: digest: $(manifest_digest "$R/me/dkbb:1") size: "
  proxy_clear
  run dk push "$R/me/dkbb:1"
  ok
  has "$MSG_LAYER_EXISTS"
  [ "$(proxy_count "$BLOB_UPLOAD_RE")" -eq 0 ]
}

@test "GET /distribution/{name}/json answers the registry's descriptor and platforms" {
  local dig
  dig=$(manifest_digest "$R/fx/multi:1")
  run api "/distribution/$R/fx/multi:1/json"
  ok
  [ "$(jq -r .Descriptor.digest <<<"$output")" = "$dig" ]
  [ "$(jq -r .Descriptor.mediaType <<<"$output")" = application/vnd.oci.image.index.v1+json ]
  jq -e '[.Platforms[].architecture] | index("arm64") != null' <<<"$output" >/dev/null
}
