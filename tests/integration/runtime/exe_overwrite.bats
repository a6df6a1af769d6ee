#!/usr/bin/env bats
# The runtime's binary cannot be overwritten from inside the container (CVE-2019-5736 class).
# Every test runs a private copy of berth-runtime, so a failure cannot damage the shared build.
load helpers

setup() {
  setup_bundle
  cp "$RUNTIME" "$TEST_DIR/berth-runtime"
  SHARED_RUNTIME=$RUNTIME
  RUNTIME=$TEST_DIR/berth-runtime
  SUM=$(sha256sum < "$RUNTIME")
  BUSYBOX_SUM=$(sha256sum < "$BUNDLE/rootfs/bin/busybox")
}
# Clean up with the shared build: the copy may be the thing a failed test overwrote.
teardown() {
  RUNTIME=$SHARED_RUNTIME
  teardown_bundle
}

binaries_unchanged() {
  [ "$(sha256sum < "$RUNTIME")" = "$SUM" ]
  [ "$(sha256sum < "$BUNDLE/rootfs/bin/busybox")" = "$BUSYBOX_SUM" ]
}

# attack.sh PID (in the rootfs): tries to read, write and open the exe of PID, one line each.
write_attack() {
  cat > "$BUNDLE/rootfs/attack.sh" <<'SH'
t=$1
readlink /proc/$t/exe | sed "s/^/link: /"
head -c 4 /proc/$t/exe >/dev/null 2>&1 && echo READ-OK || echo read-denied
(echo x > /proc/$t/exe) 2>/dev/null && echo WRITE-OK || echo write-denied
(exec 7</proc/$t/exe) 2>/dev/null && echo OPEN-OK || echo open-denied
SH
}

@test "exe overwrite: the container cannot write its own /proc/self/exe" {
  update_config '.root.readonly = false'
  set_args sh -c 'echo x > /proc/self/exe; echo rc=$?'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"rc=1"* ]]
  binaries_unchanged
}

@test "exe overwrite: exec into a created container cannot reach the waiting init's image" {
  # Until start, pid 1 is berth-runtime itself, waiting on the exec fifo.
  write_attack
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  run rt exec "$CID" sh /attack.sh 1
  echo "$output"
  [[ "$output" != *READ-OK* ]]
  [[ "$output" != *WRITE-OK* ]]
  [[ "$output" != *OPEN-OK* ]]
  [[ "$output" != *"link: /"*berth* ]]
  [[ "$output" == *read-denied* ]]
  rt start "$CID"
  binaries_unchanged
}

@test "exe overwrite: a container in the host pid namespace cannot reach the runtime running it" {
  update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
  write_attack
  # $PPID of the container's shell is `berth-runtime run`, waiting for it.
  set_args sh -c 'readlink /proc/$PPID/exe >/dev/null 2>&1 || echo "parent $PPID hidden"; sh /attack.sh $PPID'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"parent "*" hidden"* ]]
  [[ "$output" == *read-denied* ]]
  [[ "$output" != *READ-OK* ]]
  [[ "$output" != *WRITE-OK* ]]
  [[ "$output" != *OPEN-OK* ]]
  binaries_unchanged
}

@test "exe overwrite: even with CAP_SYS_PTRACE, a process holding the init's exe cannot write it after start" {
  write_attack
  update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  # Hold pid 1's exe open while it is still berth-runtime (unless even that is denied), and keep
  # trying to write through it: before the start, and 50 more times once the test says
  # (/dev/shm/started) the start is done, however slow the machine.
  rt exec -d "$CID" sh -c 'exec 7</proc/1/exe || { echo denied > /dev/shm/held; exit 0; }; echo held > /dev/shm/held
    i=0; n=0; while [ $i -lt 3000 ] && [ $n -lt 50 ]; do
      [ -e /dev/shm/started ] && n=$((n+1))
      echo x 2>/dev/null >/proc/self/fd/7 && echo WROTE > /dev/shm/wrote; i=$((i+1)); sleep 0.02
    done; echo "tries after start: $n" > /dev/shm/done'
  # The attacker has the exe (or was denied it) before the start: polled, 30 s at most.
  poll_until 30 "$SHARED_RUNTIME" --root "$ROOT" exec "$CID" test -s /dev/shm/held
  rt start "$CID"
  if [ "$("$SHARED_RUNTIME" --root "$ROOT" exec "$CID" cat /dev/shm/held)" = held ]; then
    "$SHARED_RUNTIME" --root "$ROOT" exec "$CID" touch /dev/shm/started
    poll_until 60 "$SHARED_RUNTIME" --root "$ROOT" exec "$CID" test -s /dev/shm/done
  fi
  run "$SHARED_RUNTIME" --root "$ROOT" exec "$CID" sh -c 'cat /dev/shm/held /dev/shm/wrote /dev/shm/done 2>/dev/null; true'
  echo "$output"
  [[ "$output" != *WROTE* ]]
  [[ "$output" == denied || "$output" == *"tries after start: 50"* ]]
  binaries_unchanged
}
