#!/usr/bin/env bats
# Read-only binds of a tree with a submount, as Docker 25+ (API 1.44) makes them: read-only all
# the way down by default (OCI "rro"), bind-recursive=writable|disabled|readonly to choose, and
# Docker 24's top-only read-only for clients of API < 1.44.
load helpers

setup_file() {
  compat_setup_file --add-runtime runc=/usr/sbin/runc || return 1
  # $D/tree holds a file and, at $D/tree/sub, a tmpfs of its own (the submount).
  mkdir -p "$D/tree"
  echo top > "$D/tree/top"
  mkdir -p "$D/tree/sub"
  mount -t tmpfs -o size=1m tmpfs "$D/tree/sub"
  echo below > "$D/tree/sub/f"
}

teardown_file() {
  umount "$D/tree/sub" 2>/dev/null || true
  compat_teardown_file
}

# sh -c "$probe" TARGET: tries to write at the top and in the submount of the bind at TARGET,
# and prints one word per place: "rw" or "ro".
probe='for p in "$0" "$0/sub"; do if touch "$p/w" 2>/dev/null; then echo rw; rm -f "$p/w"; else echo ro; fi; done'

@test "-v tree:ctr:ro: the submount is read-only too (rro)" {
  run dk run --rm -v "$D/tree:/t:ro" busybox sh -c "$probe; cat /t/sub/f" /t
  [ "$status" -eq 0 ] || daemon_log
  echo "$output"
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = ro ]
  [ "${lines[2]}" = below ]
  # The host's own submount is untouched by the container's attributes.
  touch "$D/tree/sub/host-writes" && rm "$D/tree/sub/host-writes"
}

@test "--mount readonly,bind-recursive=writable: Docker 24's read-only on the top mount only" {
  run dk run --rm --mount "type=bind,src=$D/tree,dst=/t,readonly,bind-recursive=writable" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = rw ]
}

@test "--mount bind-recursive=disabled: the submount is not carried (bind, not rbind)" {
  run dk run --rm --mount "type=bind,src=$D/tree,dst=/t,bind-recursive=disabled" busybox sh -c 'cat /t/top; ls /t/sub | wc -l'
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = top ]
  [ "${lines[1]}" = 0 ]
}

@test "--mount readonly,bind-recursive=readonly,bind-propagation=rprivate: forced rro" {
  run dk run --rm --mount "type=bind,src=$D/tree,dst=/t,readonly,bind-recursive=readonly,bind-propagation=rprivate" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = ro ]
}

@test "an API 1.43 client gets Docker 24's read-only binds" {
  run env DOCKER_API_VERSION=1.43 "$DOCKER" run --rm -v "$D/tree:/t:ro" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = rw ]
  # ...and a forced rro is refused for it, as moby's router does.
  run curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' -X POST \
    http://berth/v1.43/containers/create \
    -d "{\"Image\":\"busybox\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"$D/tree\",\"Target\":\"/t\",\"ReadOnly\":true,\"BindOptions\":{\"ReadOnlyForceRecursive\":true}}]}}"
  echo "$output"
  [ "$(echo "$output" | jq -r .message)" = "BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer" ]
}

@test "-v mode words ro-non-recursive and rro" {
  run dk run --rm -v "$D/tree:/t:ro-non-recursive" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = rw ]
  run dk run --rm -v "$D/tree:/t:rro" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[1]}" = ro ]
}

@test "--runtime runc: rro through an external runtime that lists it in its features" {
  run dk run --rm --runtime runc -v "$D/tree:/t:ro" busybox sh -c "$probe" /t
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = ro ]
}
