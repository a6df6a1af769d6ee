#!/usr/bin/env bats
# docker cp and a container's bind mounts: a copy into or out of a bind-mounted path goes to
# the host directory, as with Docker, whatever the container's state; a read-only bind refuses
# writes with moby's message; export leaves binds out; the host's mount table never changes.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

# host_mounts: the host's mount table as lines, to compare before and after.
host_mounts() { awk '{print $5}' /proc/self/mountinfo | sort; }

@test "cp into a running container's bind lands in the host dir, not the layer" {
  mkdir -p "$D/run-src"
  before=$(host_mounts)
  id=$(dk run -d -v "$D/run-src:/data" busybox sleep 100)
  remember "$id"
  echo payload > "$D/file"
  run dk cp "$D/file" "$id:/data/"
  [ "$status" -eq 0 ] || daemon_log
  [ "$(cat "$D/run-src/file")" = payload ]
  [ "$(dk exec "$id" cat /data/file)" = payload ]
  # Nothing went to the container's layer under the mount point.
  run dk diff "$id"
  [[ "$output" != *"/data/file"* ]]
  # And back out, through the bind.
  echo from-host > "$D/run-src/back"
  dk cp "$id:/data/back" "$D/back-copy"
  [ "$(cat "$D/back-copy")" = from-host ]
  dk rm -f "$id"
  [ "$(host_mounts)" = "$before" ]
}

@test "cp into a created (never started) container's bind lands in the host dir" {
  mkdir -p "$D/created-src"
  id=$(dk create -v "$D/created-src:/conf" busybox cat /conf/app.conf)
  remember "$id"
  echo setting=1 > "$D/app.conf"
  run dk cp "$D/app.conf" "$id:/conf/app.conf"
  [ "$status" -eq 0 ] || daemon_log
  [ "$(cat "$D/created-src/app.conf")" = setting=1 ]
  run dk start -a "$id"
  [ "$output" = setting=1 ]
  dk rm "$id"
}

@test "cp out of an exited container reads its bind" {
  mkdir -p "$D/exit-src"
  echo kept > "$D/exit-src/k"
  id=$(dk run -d -v "$D/exit-src:/k" busybox true)
  remember "$id"
  dk wait "$id"
  dk cp "$id:/k/k" - | tar -xO > "$D/k-out"
  [ "$(cat "$D/k-out")" = kept ]
  dk rm "$id"
}

@test "cp into a read-only bind: mounted volume is marked read-only, nothing written" {
  mkdir -p "$D/ro-src"
  id=$(dk run -d -v "$D/ro-src:/ro:ro" busybox sleep 100)
  remember "$id"
  echo x > "$D/x"
  run dk cp "$D/x" "$id:/ro/x"
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounted volume is marked read-only"* ]]
  [ ! -e "$D/ro-src/x" ]
  # Reading from it works.
  echo r > "$D/ro-src/r"
  [ "$(dk cp "$id:/ro/r" - | tar -xO)" = r ]
  dk rm -f "$id"
}

@test "export leaves the binds out, as Docker" {
  mkdir -p "$D/exp-src"
  echo secret > "$D/exp-src/only-on-host"
  id=$(dk create -v "$D/exp-src:/mnt/b" busybox true)
  remember "$id"
  run bash -c "'$DOCKER' export '$id' | tar -t"
  [ "$status" -eq 0 ]
  [[ "$output" != *"only-on-host"* ]]
  dk rm "$id"
}
