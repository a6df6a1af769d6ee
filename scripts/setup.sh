#!/usr/bin/env bash
# The README's first command: install what is needed, build, make the busybox bundle and
# run a container from it with berth-runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root (containers need it)" >&2; exit 1; }
scripts/install-deps.sh
scripts/build.sh
bundle=/var/lib/berth/bundles/busybox
mkdir -p "$(dirname "$bundle")"
rm -rf "$bundle"
scripts/make-busybox-bundle.sh "$bundle" echo hello
build/src/runtime/berth-runtime --root /run/berth-runtime run --bundle "$bundle" "setup-$$"
