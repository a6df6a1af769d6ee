#!/usr/bin/env bats
# docker cp both ways, and docker export.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

setup() {
  id=$(dk run -d --name cx busybox sleep 100)
  remember "$id"
  T=$(mktemp -d "$D/cp.XXXXXX")
}
teardown() { dk rm -f cx >/dev/null 2>&1 || true; }

@test "docker cp a file from the host into the container" {
  echo "from host" > "$T/in.txt"
  dk cp "$T/in.txt" cx:/tmp/in.txt
  [ "$(dk exec cx cat /tmp/in.txt)" = "from host" ]
}

@test "docker cp a file from the container to the host" {
  dk exec cx sh -c 'echo "from container" > /tmp/out.txt'
  dk cp cx:/tmp/out.txt "$T/out.txt"
  [ "$(cat "$T/out.txt")" = "from container" ]
}

@test "docker cp a directory both ways" {
  mkdir -p "$T/dir/sub"
  echo a > "$T/dir/a"
  echo b > "$T/dir/sub/b"
  dk cp "$T/dir" cx:/tmp/
  [ "$(dk exec cx cat /tmp/dir/sub/b)" = b ]
  dk cp cx:/tmp/dir "$T/back"
  [ "$(cat "$T/back/a")" = a ]
  [ "$(cat "$T/back/sub/b")" = b ]
}

@test "docker cp of a missing path says so" {
  run dk cp cx:/no/such "$T/"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Could not find the file /no/such in container cx"* ]]
}

@test "docker export writes the rootfs as a tar" {
  dk export cx > "$T/fs.tar"
  tar -tf "$T/fs.tar" | grep -qx 'bin/busybox\|./bin/busybox\|bin/busybox'
}
