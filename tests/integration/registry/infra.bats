#!/usr/bin/env bats
# Self-test of this directory's test infrastructure, without berthd: the three registry
# flavours start, skopeo pushes the fixtures, the token server's flow works for skopeo, and each
# proxy fault does what fault_proxy.py says (seen with curl). When a registry test fails, this
# file tells whether the harness or berth is at fault.
load registry_helpers

setup_file() {
  REG_SKIP=
  [ "$(id -u)" = 0 ] || REG_SKIP="needs root (as the other registry tests)"
  export REG_SKIP
  [ -z "$REG_SKIP" ] || return 0
  RT=$(mktemp -d /tmp/berth-reg.XXXXXX)
  export RT
  BIG_MB=2 make_fixtures "$RT/fx"
  start_registry open
  OPEN=$REG
  start_proxy "$OPEN"
  export OPEN
  push_fixture "oci:$FX/oci:big" "$PROXY/fx/big:1" --format v2s2
  push_fixture "oci:$FX/oci:multi" "$PROXY/fx/multi:1" --all
  push_fixture "oci:$FX/zstd:three" "$PROXY/fx/zstd:1"
}

teardown_file() {
  stop_registry_processes
  [ -z "${RT:-}" ] || rm -rf "$RT"
}

setup() { registry_setup; fault pass; }

blob_url() { echo "http://$PROXY/v2/fx/big/blobs/$(layer_digests "$PROXY/fx/big:1" | tail -n 1)"; }
fetch() { curl -s -o "$RT/out" -w '%{http_code} %{size_download}' "$@"; }

@test "fixtures: an index of amd64 and arm64, a zstd image, a schema2 image" {
  run skopeo inspect --tls-verify=false --raw "docker://$PROXY/fx/multi:1"
  [ "$(jq -r '[.manifests[].platform.architecture] | join(" ")' <<<"$output")" = "amd64 arm64" ]
  run skopeo inspect --tls-verify=false --raw "docker://$PROXY/fx/zstd:1"
  [ "$(jq -r '.layers[0].mediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+zstd ]
  run skopeo inspect --tls-verify=false --raw "docker://$PROXY/fx/big:1"
  [ "$(jq -r .mediaType <<<"$output")" = application/vnd.docker.distribution.manifest.v2+json ]
}

@test "basic and token registries: skopeo needs the credentials, and gets in with them" {
  start_registry basic
  run push_fixture "oci:$FX/oci:three" "$REG/fx/three:1" --format v2s2
  [ "$status" -ne 0 ]
  push_fixture "oci:$FX/oci:three" "$REG/fx/three:1" --format v2s2 --dest-creds "$REG_USER:$REG_PASS"
  start_registry token
  run push_fixture "oci:$FX/oci:three" "$REG/fx/three:1" --format v2s2
  [ "$status" -ne 0 ]
  push_fixture "oci:$FX/oci:three" "$REG/fx/three:1" --format v2s2 --dest-creds "$REG_USER:$REG_PASS"
  skopeo inspect --tls-verify=false --raw --creds "$REG_USER:$REG_PASS" "docker://$REG/fx/three:1" >/dev/null
  grep -q 'user=berthuser scope=repository:fx/three:pull,push status=200' "$TOKEN_LOG"
  grep -q 'user=- .* status=401' "$TOKEN_LOG"
  # while TOKEN_DENY exists the tokens grant nothing: the registry refuses them
  touch "$TOKEN_DENY"
  run skopeo inspect --tls-verify=false --raw --creds "$REG_USER:$REG_PASS" "docker://$REG/fx/three:1"
  rm -f "$TOKEN_DENY"
  [ "$status" -ne 0 ]
  # the registry challenges with the token server's realm
  curl -s -D - -o /dev/null "http://$REG/v2/" | grep -qi "www-authenticate: Bearer realm=\"$TOKEN_URL\""
}

@test "proxy: corrupt flips a byte, cut closes early and serves Range, fail500 then passes" {
  local u
  u=$(blob_url)
  [ "$(fetch "$u")" = "200 $(stat -c %s "$FX/oci/blobs/sha256/${u##*sha256:}")" ]
  local good
  good=$(sha256sum < "$RT/out")
  fault corrupt
  fetch "$u"
  [ "$(sha256sum < "$RT/out")" != "$good" ]
  fault cut bytes=1000
  run fetch "$u"
  out_is "200 1000"
  [ "$(fetch -H 'Range: bytes=1000-' "$u")" = "206 $(( $(stat -c %s "$FX/oci/blobs/sha256/${u##*sha256:}") - 1000 ))" ]
  grep -q 'range=bytes=1000-' "$PROXY_LOG"
  fault fail500 times=2
  [ "$(fetch "$u")" = "500 60" ]
  [ "$(fetch "$u")" = "500 60" ]
  [ "$(fetch "$u" | cut -d' ' -f1)" = 200 ]
}

@test "proxy: hang holds the answer, bigmanifest is over 4 MiB, redirect loops" {
  local u
  u=$(blob_url)
  fault hang
  run fetch --max-time 2 "$u"
  [ "$status" -eq 28 ]
  fault bigmanifest
  run fetch "http://$PROXY/v2/fx/big/manifests/1"
  [ "${output%% *}" = 200 ] && [ "${output##* }" -gt $((4 << 20)) ]
  fault redirect
  run fetch -L --max-redirs 5 "$u"
  [ "$status" -eq 47 ]
  [ "$(proxy_count '^GET /__proxy/loop/')" -eq 5 ]
}
