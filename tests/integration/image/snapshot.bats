#!/usr/bin/env bats
# Overlay snapshots on unpacked layers (root only).

load image_helpers

setup() {
    [ "$(id -u)" -eq 0 ] || skip "overlay mounts need root"
    image_setup
}
teardown() { image_teardown; }

@test "a snapshot mounts the image, keeps changes in upper, and is removed cleanly" {
    tool busybox
    rootfs="$(tool mount busybox c1)"
    [ -x "$rootfs/bin/busybox" ]
    grep -q " $rootfs " /proc/self/mountinfo
    echo changed > "$rootfs/etc/hostname"
    rm "$rootfs/etc/hosts"
    [ "$(cat "$ROOT/containers/c1/upper/etc/hostname")" = changed ]
    [ "$(stat -c %t:%T "$ROOT/containers/c1/upper/etc/hosts")" = 0:0 ]
    tool diff --lower "$(echo "$ROOT"/layers/*/diff)" "$ROOT/containers/c1/upper" > "$TMP/diff.tar" 2>"$TMP/diff-id"
    tar -tf "$TMP/diff.tar" | grep -qx 'etc/.wh.hosts'
    tool rm c1
    ! grep -q " $rootfs " /proc/self/mountinfo
    [ ! -e "$ROOT/containers/c1" ]
}

@test "the same upper diffs to the same digest twice" {
    mkdir -p "$TMP/upper/a"
    echo x > "$TMP/upper/a/f"
    tool diff --epoch 1000 "$TMP/upper" > /dev/null 2>"$TMP/d1"
    touch "$TMP/upper/a/f"
    tool diff --epoch 1000 "$TMP/upper" > /dev/null 2>"$TMP/d2"
    [ "$(cat "$TMP/d1")" = "$(cat "$TMP/d2")" ]
}

@test "a busy snapshot is detached on removal" {
    tool busybox
    rootfs="$(tool mount busybox c2)"
    (cd "$rootfs" && exec sleep 60) &
    holder=$!
    # Busy for sure: the holder is in the rootfs before the removal (polled, 30 s at most).
    local i
    for i in $(seq 1 300); do [ "$(readlink "/proc/$holder/cwd")" = "$rootfs" ] && break; sleep 0.1; done
    [ "$(readlink "/proc/$holder/cwd")" = "$rootfs" ]
    tool rm c2
    kill "$holder"
    wait "$holder" || true
    ! grep -q " $rootfs " /proc/self/mountinfo
    [ ! -e "$ROOT/containers/c2" ]
}
