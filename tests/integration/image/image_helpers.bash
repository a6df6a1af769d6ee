# Shared setup for the image integration tests: a temp dir per test, the tool, cleanup.
# BERTH_IMAGE_TOOL overrides where berth-image-tool is; else the first build dir that has it.

find_tool() {
    if [ -n "${BERTH_IMAGE_TOOL:-}" ]; then echo "$BERTH_IMAGE_TOOL"; return; fi
    local top d
    top="$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)"
    for d in "$top"/build "$top"/build-*; do
        if [ -x "$d/tests/image_tool/berth-image-tool" ]; then echo "$d/tests/image_tool/berth-image-tool"; return; fi
    done
    echo "berth-image-tool not found; build it or set BERTH_IMAGE_TOOL" >&2
    return 1
}

image_setup() {
    TOOL="$(find_tool)"
    TMP="$(mktemp -d /tmp/berth-bats-image.XXXXXX)"
    ROOT="$TMP/root"
}

# Unmounts whatever is still mounted under $TMP (deepest first), then removes it.
image_teardown() {
    [ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
    local m
    for m in $(awk -v p="$TMP/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$TMP"
}

tool() { "$TOOL" --root "$ROOT" "$@"; }

# A small rootfs tar with a file, a symlink and a hard link.
make_rootfs_tar() {
    local out="$1" src="$TMP/src.$RANDOM"
    mkdir -p "$src/bin" "$src/etc"
    echo hello > "$src/etc/greeting"
    ln -s greeting "$src/etc/link"
    cp /bin/busybox "$src/bin/busybox"
    ln "$src/bin/busybox" "$src/bin/sh"
    tar -C "$src" -cf "$out" .
}
