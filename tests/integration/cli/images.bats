#!/usr/bin/env bats
# images, image ls|inspect|rm|prune|history|tag|save|load, rmi, tag, save, load; the docker
# CLI on the same daemon is the oracle for tables and templates. One berthd for the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() { cli_setup_file; }
teardown_file() { cli_teardown_file; }
setup() {
  [ -n "${BERTHD_PID:-}" ] || skip "no berthd"
  W=$(mktemp -d "$D/w.XXXX")
}

@test "images: docker's table and columns; image ls and image list are the same" {
  run b images
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
  [[ "${lines[1]}" =~ ^busybox\ +latest\ +[0-9a-f]{12}\  ]]
  same_output images
  [ "$(b image ls)" = "$output" ]
  [ "$(b image list)" = "$output" ]
  same_output images --no-trunc
  same_output images --digests
}

@test "images -q, --format, a REPOSITORY argument, --filter reference and dangling" {
  b tag busybox mine/tool:1.0
  b tag busybox mine/tool:2.0
  same_output images -q
  [ "$(b images -q | sort -u | wc -l)" -eq 1 ]   # three names, one image
  same_output images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}} {{.CreatedSince}}'
  same_output images --format 'table {{.Repository}}\t{{.Tag}}\t{{.Containers}}'
  same_output images --format json
  [ "$(b images mine/tool --format '{{.Tag}}' | sort | tr '\n' ' ')" = "1.0 2.0 " ]
  [ "$(b images 'mine/tool:1.0' --format '{{.Tag}}')" = 1.0 ]
  [ "$(b images --filter 'reference=mine/*' --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')" = "mine/tool:1.0 mine/tool:2.0 " ]
  same_output images --filter 'reference=busy*'
  [ -z "$(b images --filter dangling=true -q)" ]
  b rmi mine/tool:1.0 mine/tool:2.0 >/dev/null
}

@test "tag and image tag create names; rmi and image rm remove them with docker's lines" {
  run b tag busybox first:one
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  b image tag busybox:latest second
  [ "$(b image inspect -f '{{.Id}}' first:one)" = "$(b image inspect -f '{{.Id}}' busybox)" ]
  [ "$(b image inspect -f '{{.Id}}' second:latest)" = "$(b image inspect -f '{{.Id}}' busybox)" ]
  run b rmi first:one
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: first:one" ]
  run b image rm second
  [ "$output" = "Untagged: second:latest" ]
  run -1 b tag nope-image:1 x:y
  [ "$output" = "Error response from daemon: No such image: nope-image:1" ]
  run -1 b rmi nope-image:1
  [ "$output" = "Error response from daemon: No such image: nope-image:1" ]
  run b tag busybox 'Bad:Name'
  [ "$status" -ne 0 ]
}

@test "rmi of the last name deletes the image; an image in use needs -f" {
  # an image of its own (import), so busybox stays for the other tests
  b export "$(b create busybox true)" > "$W/rootfs.tar"
  local id; id=$(b import "$W/rootfs.tar" solo:1)
  b create --name user1 solo:1 true >/dev/null
  run -1 b rmi solo:1
  [[ "$output" == "Error response from daemon: conflict: unable to remove repository reference \"solo:1\" (must force) - container "*" is using its referenced image ${id:7:12}" ]]
  b rm user1 >/dev/null
  run b rmi solo:1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Untagged: solo:1" ]
  [ "${lines[1]}" = "Deleted: $id" ]
  run -1 --separate-stderr b image inspect "$id"
  [ "$stderr" = "Error response from daemon: No such image: $id" ]
}

@test "image inspect and inspect --type image: JSON by default, -f as docker renders it" {
  run b image inspect busybox
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].RepoTags[0]' <<<"$output")" = busybox:latest ]
  [ "$(jq 'length' <<<"$output")" = 1 ]
  for f in '{{.Id}}' '{{.Os}}/{{.Architecture}}' '{{json .Config.Cmd}}' '{{.Size}}' \
           '{{range .RootFS.Layers}}{{.}} {{end}}' '{{index .RepoTags 0}}' '{{.Created}}'; do
    same_output image inspect -f "$f" busybox
    same_output inspect --type image -f "$f" busybox
  done
  same_output image inspect busybox
  # docker 27: with a type the daemon's 404 message; without one "No such object"
  run -1 --separate-stderr b image inspect nope-image
  [ "$stderr" = "Error response from daemon: No such image: nope-image" ]
  [ "$output" = "[]" ]
  run -1 --separate-stderr b inspect nope-image
  [ "$stderr" = "Error: No such object: nope-image" ]
}

@test "history: docker's table, -q, --no-trunc, -H=false and --format" {
  same_output history busybox
  run b history busybox
  [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
  same_output image history -q busybox
  same_output history --no-trunc busybox
  same_output history -H=false busybox
  same_output history --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}' busybox
  run -1 b history nope-image
  [ "$output" = "Error response from daemon: No such image: nope-image" ]
  [ "$output" = "$(dk history nope-image 2>&1)" ]
}

@test "save to -o and stdout, load from -i and stdin: a round trip keeps the image" {
  b tag busybox trip:1
  b save -o "$W/by-o.tar" trip:1
  [ -s "$W/by-o.tar" ]
  tar -tf "$W/by-o.tar" | grep -qx manifest.json
  b save trip:1 > "$W/by-stdout.tar"
  cmp <(tar -tf "$W/by-o.tar" | sort) <(tar -tf "$W/by-stdout.tar" | sort)
  local id; id=$(b image inspect -f '{{.Id}}' trip:1)
  b rmi trip:1 >/dev/null
  run b load -i "$W/by-o.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: trip:1" ]
  [ "$(b image inspect -f '{{.Id}}' trip:1)" = "$id" ]
  b rmi trip:1 >/dev/null
  run bash -c "'$BERTH' -H 'unix://$SOCK' image load < '$W/by-stdout.tar'"
  [ "$output" = "Loaded image: trip:1" ]
  run b load -q -i "$W/by-o.tar"
  [ "$status" -eq 0 ]
  [ "$(b run --rm trip:1 echo alive)" = alive ]
  b image save trip:1 | tar -t >/dev/null
  # a terminal is refused for save, as docker; a missing image is the daemon's error
  run script -qec "'$BERTH' -H 'unix://$SOCK' save trip:1" /dev/null
  [[ "$output" == *"cowardly refusing to save to a terminal"* ]]
  run -1 b save -o "$W/x.tar" nope-image
  [[ "$output" == *"nope-image"* ]]
  run -1 b load -i "$W/no-such.tar"
  [[ "$output" == *"$W/no-such.tar"* ]]
  b rmi trip:1 >/dev/null
}

@test "image prune removes dangling images only; -a every unused one; docker's report" {
  b export "$(b create busybox true)" > "$W/rootfs.tar"
  local dangling kept
  dangling=$(b import "$W/rootfs.tar")
  kept=$(b import "$W/rootfs.tar" unused:1)
  run b image prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Images:" ]
  [[ "$output" == *"deleted: $dangling"* ]]
  [[ "${lines[-1]}" =~ ^Total\ reclaimed\ space:\ [0-9.]+[kMG]?B$ ]]
  run -1 b image inspect "$dangling"
  b image inspect unused:1 >/dev/null
  # without -f it asks, and "n" keeps everything
  run bash -c "echo n | '$BERTH' -H 'unix://$SOCK' image prune -a"
  [[ "$output" == "WARNING! This will remove all images without at least one container associated to them."* ]]
  b image inspect unused:1 >/dev/null
  # -a: unused tagged images too; busybox is in use by a container and stays
  b create --name keeper busybox true >/dev/null
  run b image prune -a -f
  [ "$status" -eq 0 ]
  [[ "$output" == *"untagged: unused:1"* ]]
  [[ "$output" == *"deleted: $kept"* ]]
  b image inspect busybox >/dev/null
  run b image prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
}
