#!/usr/bin/env bats
# Local images through the docker CLI: images, inspect, history, tag, rmi, save | load,
# import, prune.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "docker images lists busybox:latest" {
  run dk images --format '{{.Repository}}:{{.Tag}}'
  [ "$status" -eq 0 ]
  [[ "$output" == *"busybox:latest"* ]]
}

@test "docker image inspect and history" {
  [ "$(dk image inspect -f '{{json .Config.Cmd}}' busybox)" = '["sh"]' ]
  run dk history -q busybox
  [ "$status" -eq 0 ]
  [ -n "$output" ]
}

@test "docker tag and rmi" {
  dk tag busybox me/box:v1
  [ "$(dk image inspect -f '{{.Id}}' me/box:v1)" = "$(dk image inspect -f '{{.Id}}' busybox)" ]
  run dk rmi me/box:v1
  [ "$status" -eq 0 ]
  [[ "$output" == *"Untagged: me/box:v1"* ]]
  run dk image inspect me/box:v1
  [ "$status" -ne 0 ]
}

@test "docker save busybox | docker load" {
  before=$(dk image inspect -f '{{.Id}}' busybox)
  dk save busybox -o "$D/bb.tar"
  [ -s "$D/bb.tar" ]
  dk rmi busybox
  run dk load -i "$D/bb.tar"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Loaded image: busybox:latest"* ]]
  [ "$(dk image inspect -f '{{.Id}}' busybox)" = "$before" ]
  run bash -c "'$DOCKER' save busybox | '$DOCKER' load"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Loaded image: busybox:latest"* ]]
}

@test "docker import with a change, then run it" {
  id=$(dk create busybox true)
  remember "$id"
  dk export "$id" > "$D/rootfs.tar"
  dk rm "$id"
  run dk import -c 'CMD ["echo", "imported"]' "$D/rootfs.tar" me/imported:1
  [ "$status" -eq 0 ]
  [[ "$output" == sha256:* ]]
  [ "$(dk run --rm me/imported:1)" = imported ]
  dk rmi me/imported:1
}

@test "docker rmi of an unknown image and docker image prune" {
  run dk rmi nope:1
  [ "$status" -ne 0 ]
  [[ "$output" == *"No such image: nope:1"* ]]
  run dk image prune -f
  [ "$status" -eq 0 ]
}

@test "ps shows the image name a container was created with, or the image id once that name is gone" {
  dk tag busybox me/psimg:1
  id=$(dk create me/psimg:1 true)
  remember "$id"
  [ "$(dk ps -a --filter id="$id" --format '{{.Image}}')" = me/psimg:1 ]
  dk rmi me/psimg:1 >/dev/null  # busybox still names the image: only the tag goes
  short=$(dk image inspect -f '{{.Id}}' busybox | cut -c8-19)
  [ "$(dk ps -a --filter id="$id" --format '{{.Image}}')" = "$short" ]
  dk rm "$id" >/dev/null
}
