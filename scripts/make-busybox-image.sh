#!/bin/sh
# Builds the embedded default image busybox:latest into a berth data root, offline, from
# Debian's busybox-static (/bin/busybox): one layer with the binary, a hard link per applet
# (`busybox --list-full`), a minimal /etc. The daemon calls the same library code
# (image::build_busybox_image) at setup; this script is for dev machines and tests.
#
#   scripts/make-busybox-image.sh [DATA_ROOT] [TAG]
#
# BERTH_IMAGE_TOOL names the tool; otherwise the first build dir that has it is used.
set -eu
root="${1:-/var/lib/berth}"
tag="${2:-busybox:latest}"
binary="${BUSYBOX:-/bin/busybox}"
top="$(cd "$(dirname "$0")/.." && pwd)"

tool="${BERTH_IMAGE_TOOL:-}"
if [ -z "$tool" ]; then
    for d in "$top"/build "$top"/build-*; do
        if [ -x "$d/tests/image_tool/berth-image-tool" ]; then tool="$d/tests/image_tool/berth-image-tool"; break; fi
    done
fi
[ -n "$tool" ] || { echo "berth-image-tool not built (ninja berth-image-tool), or set BERTH_IMAGE_TOOL" >&2; exit 1; }

if ! "$binary" --list-full >/dev/null 2>&1; then
    echo "$binary is not a working busybox; install Debian's busybox-static" >&2
    exit 1
fi
if ! file -L "$binary" 2>/dev/null | grep -q 'statically linked' && command -v file >/dev/null; then
    echo "warning: $binary does not look statically linked; containers need busybox-static" >&2
fi
id="$("$tool" --root "$root" busybox --binary "$binary" --tag "$tag")"
echo "$tag $id"
