#!/usr/bin/env bats
# Bind propagation: a bind with :rslave sees a mount the host makes under its source after start.
load helpers

setup_file() { compat_setup_file; }
teardown_file() {
  umount "$D/prop/sub" 2>/dev/null || true
  umount "$D/prop" 2>/dev/null || true
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
