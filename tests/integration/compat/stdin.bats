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
  id=$(dk run -d busybox sleep 1000)
  remember "$id"
  printf '\020\021' > "$D/in2.bin"
  head -c 65536 /dev/urandom >> "$D/in2.bin"
  want=$(md5sum < "$D/in2.bin" | cut -d' ' -f1)
  # timeout: a lost end of input leaves md5sum waiting; fail in seconds, not at sleep's end.
  run timeout 60 "$DOCKER" exec -i "$id" md5sum < "$D/in2.bin"
  [ "$status" -eq 0 ]
  [ "${output%% *}" = "$want" ]
  dk rm -f "$id" >/dev/null
}

# More input than the pipe and the shim's queue hold: the shim has to hold bytes back and stop
# reading the client, and the end of input must still reach the process after the last byte.
@test "docker exec -i and run -i: 8 MiB of stdin arrive whole, then EOF" {
  id=$(dk run -d busybox sleep 1000)
  remember "$id"
  head -c 8388608 /dev/urandom > "$D/big.bin"
  want=$(md5sum < "$D/big.bin" | cut -d' ' -f1)
  for i in 1 2 3; do
    run timeout 60 "$DOCKER" exec -i "$id" md5sum < "$D/big.bin"
    [ "$status" -eq 0 ]
    [ "${output%% *}" = "$want" ]
  done
  run timeout 60 "$DOCKER" run --rm -i busybox md5sum < "$D/big.bin"
  [ "$status" -eq 0 ]
  [ "${output%% *}" = "$want" ]
  dk rm -f "$id" >/dev/null
}
