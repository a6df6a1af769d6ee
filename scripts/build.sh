#!/usr/bin/env bash
# Configures and builds berth into build/ (or $BERTH_BUILD_DIR). With arguments, builds only
# those ninja targets (setup.sh builds just the programs the demo runs); without, everything,
# unit tests and test tools included.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BERTH_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BERTH_BUILD_TYPE:-RelWithDebInfo} >/dev/null
ninja -C "$build" "$@"
