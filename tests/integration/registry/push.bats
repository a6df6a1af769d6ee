#!/usr/bin/env bats
# Push through the berth CLI to a private registry (behind the fault proxy, in pass mode, so the
# requests can be counted): skopeo and umoci read back what was pushed; a second push sends no
# blob; a push of layers the registry has under another repository mounts them (cross-repo).
load registry_helpers

setup_file() {
  registry_prereqs || return 0
  registry_setup_file
  make_fixtures "$RT/fx"
  start_registry open
  R2=$REG  # a second registry (direct), where no blob can be mounted from the first
  start_registry open
  start_proxy "$REG"
  R=$PROXY
  export R R2
  push_fixture "oci:$FX/oci:three" "$R/fx/three:1" --format v2s2
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; fault pass; proxy_clear; }
teardown() { on_failure; }

# unpack_pushed REF DIR: skopeo copies REF back into an OCI layout, umoci unpacks it to DIR.
unpack_pushed() {
  skopeo copy -q --src-tls-verify=false "docker://$1" "oci:$RT/back:img"
  umoci unpack --image "$RT/back:img" "$2" >/dev/null
}

# same_files_as_container IMAGE ROOTFS: every file of ROOTFS (an unpacked image) is in a
# container of IMAGE, with the same content. Hard links (busybox's applets) are hashed once per
# inode, so a few files are read, not hundreds of copies of busybox.
same_files_as_container() {
  local image=$1 rootfs=$2 want got
  # the runtime bind-mounts its own hosts, hostname and resolv.conf over the image's
  local runtime_files='^\./etc/(hosts|hostname|resolv\.conf)$'
  (cd "$rootfs" && find . -mindepth 1 | grep -vE "$runtime_files" | sort) > "$RT/paths"
  (cd "$rootfs" && find . -type f -printf '%i %p\n' | sort -k1,1 -u | cut -d' ' -f2- |
    grep -vE "$runtime_files" | sort) > "$RT/reps"
  want=$(cd "$rootfs" && xargs sha256sum < "$RT/reps")
  got=$(b run --rm -i "$image" sh -c 'cd / && xargs sha256sum' < "$RT/reps")
  [ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got") >&2; return 1; }
  # and every path (files, links, dirs) exists in the container
  b run --rm -i "$image" sh -c 'cd / && xargs ls -d >/dev/null' < "$RT/paths"
}

@test "push busybox: skopeo inspects it; skopeo + umoci unpack give the container's files" {
  b tag busybox "$R/me/bb:1"
  run b push "$R/me/bb:1"
  ok
  # Docker's last line: "1: digest: sha256:... size: N", the digest the registry serves
  has "1: digest: $(manifest_digest "$R/me/bb:1") size: "
  run skopeo inspect --tls-verify=false --raw "docker://$R/me/bb:1"
  ok
  [ "$(jq '.layers | length' <<<"$output")" -ge 1 ]
  rm -rf "$RT/back" "$RT/bundle"
  unpack_pushed "$R/me/bb:1" "$RT/bundle"
  same_files_as_container busybox "$RT/bundle/rootfs"
}

@test "a second push sends no blob: 'Layer already exists'" {
  b tag busybox "$R/me/bb2:1"
  run b push "$R/me/bb2:1"
  ok
  proxy_clear
  run b push "$R/me/bb2:1"
  ok
  has "$MSG_LAYER_EXISTS"
  [ "$(proxy_count "$BLOB_UPLOAD_RE")" -eq 0 ]
}

@test "a committed container's new layer pushes, and reads back identically" {
  b run --name made busybox sh -c 'mkdir -p /made && echo from-a-container > /made/file.txt'
  b commit made "$R/me/made:1"
  b rm made
  run b push "$R/me/made:1"
  ok
  rm -rf "$RT/back" "$RT/bundle"
  unpack_pushed "$R/me/made:1" "$RT/bundle"
  [ "$(cat "$RT/bundle/rootfs/made/file.txt")" = from-a-container ]
  # pulled back under another name into berth itself, it runs the same
  run b rmi "$R/me/made:1"
  run b pull "$R/me/made:1"
  ok
  run b run --rm "$R/me/made:1" cat /made/file.txt
  ok; out_is from-a-container
}

@test "a new layer pushed to two registries is the same blob in both (one compressed form)" {
  b run --name once busybox sh -c 'head -c 300000 /dev/urandom > /once.bin'
  b commit once "$R/me/once:1"
  b rm once
  b tag "$R/me/once:1" "$R2/me/once:1"
  run b push "$R/me/once:1"
  ok
  run b push "$R2/me/once:1"
  ok
  local a b
  a=$(layer_digests "$R/me/once:1" | tail -n 1)
  b=$(layer_digests "$R2/me/once:1" | tail -n 1)
  [ "$a" = "$b" ] || { echo "the new layer was pushed as $a and as $b"; false; }
}

@test "push of layers the registry holds in another repository mounts them (cross-repo)" {
  run b pull "$R/fx/three:1"
  ok
  b tag "$R/fx/three:1" "$R/other/three:1"
  proxy_clear
  run b push "$R/other/three:1"
  ok
  # POST /v2/other/three/blobs/uploads/?mount=sha256:...&from=fx/three, answered 201 Created
  local mounts
  mounts=$(proxy_count '^POST /v2/other/three/blobs/uploads/\?[^ ]*mount=sha256:[^ ]*from=fx(/|%2F)three[^ ]* status=201')
  [ "$mounts" -ge 1 ] || { show_proxy_log; false; }
  # no layer was sent again: every upload was a mount, except possibly the config's
  local patches
  patches=$(proxy_count '^(PATCH|PUT) /v2/other/three/blobs/uploads/')
  [ "$patches" -le 1 ] || { show_proxy_log; false; }
  run skopeo inspect --tls-verify=false --raw "docker://$R/other/three:1"
  ok
}

@test "push -a pushes every tag of the repository" {
  b tag busybox "$R/me/many:t1"
  b tag busybox "$R/me/many:t2"
  run b push -a "$R/me/many"
  ok
  run skopeo list-tags --tls-verify=false "docker://$R/me/many"
  ok
  has '"t1"' '"t2"'
}

@test "push of an image that does not exist locally fails with Docker's message" {
  run b push "$R/me/none:1"
  failed
  has "$(msg_no_such_local "$R/me/none")"
}

@test "push -q prints just the reference" {
  b tag busybox "$R/me/quiet:1"
  run b push -q "$R/me/quiet:1"
  ok
  out_is "$R/me/quiet:1"
}

@test "push busybox: the layer goes gzip-compressed, as Docker pushes it" {
  b tag busybox "$R/me/gz:1"
  run b push "$R/me/gz:1"
  ok
  run skopeo inspect --tls-verify=false --raw "docker://$R/me/gz:1"
  ok
  [ "$(jq -r '.layers[0].mediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+gzip ]
}

@test "push --platform must name the image's own platform" {
  b tag busybox "$R/me/plat:1"
  run b push --platform linux/arm64 "$R/me/plat:1"
  failed
  has "does not match the specified platform: wanted linux/arm64, actual: linux/amd64"
  run b push --platform linux/amd64 "$R/me/plat:1"
  ok
}
