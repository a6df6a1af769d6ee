#!/usr/bin/env bats
# Bind propagation: a bind with :rslave sees a mount the host makes under its source after
# start; one with :rshared also sends the container's mounts back to the host.
load helpers

setup_file() { compat_setup_file; }
teardown_file() {
  umount "$D/prop/sub" 2>/dev/null || true
  umount "$D/prop" 2>/dev/null || true
  # A failing test leaves its own mounts (the containers are removed first, by the helper's
  # rm -f, but these are the host's).
  dk rm -f $(dk ps -aq) >/dev/null 2>&1 || true
  umount "$D/sh/sub" 2>/dev/null || true
  umount "$D/sh" 2>/dev/null || true
  umount "$D/priv" 2>/dev/null || true
  compat_teardown_file
}

@test "-v host:ctr:rslave: a host mount made under the source after start appears in the container" {
  mkdir -p "$D/prop/sub"
  mount --bind "$D/prop" "$D/prop"
  mount --make-shared "$D/prop"
  id=$(dk run -d -v "$D/prop:/p:rslave" busybox sleep 60)
  remember "$id"
  [ "$(dk inspect -f '{{range .Mounts}}{{.Propagation}}{{end}}' "$id")" = rslave ]
  mount -t tmpfs -o size=1m tmpfs "$D/prop/sub"
  echo seen > "$D/prop/sub/f"
  run dk exec "$id" cat /p/sub/f
  echo "$output"
  [ "$output" = seen ]
  # The default (rprivate) does not propagate.
  umount "$D/prop/sub"
  id2=$(dk run -d -v "$D/prop:/q" busybox sleep 60)
  remember "$id2"
  mount -t tmpfs -o size=1m tmpfs "$D/prop/sub"
  run dk exec "$id2" sh -c 'ls /q/sub | wc -l'
  [ "$output" = 0 ]
  dk rm -f "$id" "$id2"
  umount "$D/prop/sub"
  umount "$D/prop"
}

@test "-v host:ctr:rshared: starts (pivot_root with a private parent) and a mount made in the container reaches the host" {
  mkdir -p "$D/sh/sub"
  mount --bind "$D/sh" "$D/sh"
  mount --make-shared "$D/sh"
  id=$(dk run -d --privileged -v "$D/sh:/s:rshared" busybox sleep 60)
  remember "$id"
  [ "$(dk inspect -f '{{range .Mounts}}{{.Propagation}}{{end}}' "$id")" = rshared ]
  dk exec "$id" mount -t tmpfs -o size=1m tmpfs /s/sub
  dk exec "$id" sh -c 'echo back > /s/sub/f'
  [ "$(cat "$D/sh/sub/f")" = back ]
  umount "$D/sh/sub"
  dk rm -f "$id"
  umount "$D/sh"
}

@test "a shared bind whose source is not on a shared mount: dockerd's 400 naming the path" {
  mkdir -p "$D/priv"
  mount --bind "$D/priv" "$D/priv"
  mount --make-private "$D/priv"
  run dk run --rm -v "$D/priv:/p:rshared" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"path $D/priv is mounted on $D/priv but it is not a shared mount"* ]] || { echo "$output"; umount "$D/priv"; return 1; }
  run dk run --rm -v "$D/priv:/p:rslave" busybox true
  [[ "$output" == *"path $D/priv is mounted on $D/priv but it is not a shared or slave mount"* ]] || { echo "$output"; umount "$D/priv"; return 1; }
  umount "$D/priv"
}
