#!/usr/bin/env bats
# Stdin without a TTY is data: the detach sequence (ctrl-p ctrl-q) is a TTY feature, as in
# Docker, so binary input holding those bytes reaches the process whole.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "docker run -i: binary stdin holding ctrl-p ctrl-q arrives whole" {
  printf 'a\020\021b\020\021' > "$D/in.bin"
  head -c 262144 /dev/urandom >> "$D/in.bin"
  want=$(md5sum < "$D/in.bin" | cut -d' ' -f1)
  run dk run --rm -i busybox md5sum < "$D/in.bin"
  [ "$status" -eq 0 ] || daemon_log
  [ "${output%% *}" = "$want" ]
}

@test "docker exec -i: binary stdin holding ctrl-p ctrl-q arrives whole" {
  id=$(dk run -d busybox sleep 100)
  remember "$id"
  printf '\020\021' > "$D/in2.bin"
  head -c 65536 /dev/urandom >> "$D/in2.bin"
  want=$(md5sum < "$D/in2.bin" | cut -d' ' -f1)
  run dk exec -i "$id" md5sum < "$D/in2.bin"
  [ "$status" -eq 0 ]
  [ "${output%% *}" = "$want" ]
  dk rm -f "$id" >/dev/null
}
