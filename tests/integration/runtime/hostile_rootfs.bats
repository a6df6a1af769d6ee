#!/usr/bin/env bats
# A hostile rootfs: symlinks to / and ../../, /proc as a symlink, ".." in destinations.
# Every mount point must resolve inside the rootfs; the host must stay untouched.
load helpers

setup() {
  setup_bundle
  # A name no host path uses, so "was it created on the host?" has a clear answer.
  MARK=berth-escape-$CID-$$
  HOSTDIR=$TEST_DIR/hostdir
  mkdir -p "$HOSTDIR"
  echo host > "$HOSTDIR/host-file"
  SRC=$TEST_DIR/src
  mkdir -p "$SRC"
  echo from-src > "$SRC/payload"
}
teardown() {
  rmdir "/$MARK" "/tmp/$MARK" 2>/dev/null || true
  teardown_bundle
}

# host_untouched: nothing named $MARK appeared on the host, the host dir is as it was.
host_untouched() {
  [ ! -e "/$MARK" ]
  [ ! -e "/tmp/$MARK" ]
  [ ! -e "$HOSTDIR/$MARK" ]
  [ "$(ls -A "$HOSTDIR")" = host-file ]
  [ "$(cat "$HOSTDIR/host-file")" = host ]
  ! grep -qF "$MARK" /proc/self/mountinfo
}

@test "hostile rootfs: a symlink to / used in a mount destination stays inside the rootfs" {
  ln -s / "$BUNDLE/rootfs/evil"
  update_config '.mounts += [{"destination": "/evil/'"$MARK"'/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]},
                             {"destination": "/evil/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
  set_args sh -c 'grep -c " /'"$MARK"'/t " /proc/self/mountinfo; grep -c " /tmp " /proc/self/mountinfo'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 1 ]
  [ -d "$BUNDLE/rootfs/$MARK/t" ]
  host_untouched
}

@test "hostile rootfs: a ../../ symlink used in a mount destination stays inside the rootfs" {
  ln -s ../../../../../../../../.. "$BUNDLE/rootfs/up"
  mkdir -p "$BUNDLE/rootfs/a/b"
  ln -s ../../../../../../tmp "$BUNDLE/rootfs/a/b/tmp-up"
  update_config '.mounts += [{"destination": "/up/tmp/'"$MARK"'", "type": "bind", "source": "'"$SRC"'", "options": ["bind"]},
                             {"destination": "/a/b/tmp-up/'"$MARK"'-2", "type": "tmpfs", "source": "tmpfs"}]'
  set_args sh -c 'cat /tmp/'"$MARK"'/payload; grep -c " /tmp/'"$MARK"'-2 " /proc/self/mountinfo'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-src ]
  [ "${lines[1]}" = 1 ]
  [ -d "$BUNDLE/rootfs/tmp/$MARK" ]
  [ ! -e "/tmp/$MARK-2" ]
  host_untouched
}

@test "hostile rootfs: a destination with ../../.. stays inside the rootfs" {
  update_config '.mounts += [{"destination": "/../../../../tmp/'"$MARK"'", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "ro"]}]'
  set_args cat /tmp/$MARK/payload
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = from-src ]
  [ -d "$BUNDLE/rootfs/tmp/$MARK" ]
  host_untouched
}

@test "hostile rootfs: a symlinked mount destination pointing at a host path does not touch it" {
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/hostlink"
  update_config '.mounts += [{"destination": "/hostlink/'"$MARK"'", "type": "bind", "source": "'"$SRC"'", "options": ["bind"]},
                             {"destination": "/hostlink", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  # Inside the rootfs the link dangles: refusing is safe (runc 1.2 refuses too); creating
  # the target inside the rootfs would be too. Either way the host dir is untouched.
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 1 ]
    [[ "$output" == *"/hostlink/$MARK"* ]]
    [ ! -e "$ROOT/$CID" ]
  fi
  host_untouched
}

@test "hostile rootfs: /proc replaced by a symlink to a host path never mounts proc there" {
  rmdir "$BUNDLE/rootfs/proc"
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/proc"
  set_args sh -c 'ls /proc/1/ >/dev/null && echo proc-ok'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  # Refusing is fine (runc refuses); if it runs, proc must not be mounted on the host path.
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 1 ]
    [[ "$output" == */proc* ]]
    [ ! -e "$ROOT/$CID" ]
  fi
  host_untouched
  ! grep -qF "$HOSTDIR" /proc/self/mountinfo
}

@test "hostile rootfs: masked and read-only paths behind symlinks do not reach the host" {
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/masklink"
  update_config '.linux.maskedPaths += ["/masklink/host-file"] | .linux.readonlyPaths += ["/masklink"]'
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  host_untouched
  # The host file is still writable on the host.
  echo host > "$HOSTDIR/host-file"
}
