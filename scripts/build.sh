#!/usr/bin/env bash
# Configures and builds berth into build/ (or $BERTH_BUILD_DIR). With arguments, builds only
# those ninja targets (setup.sh builds just the programs the demo runs); without, everything,
# unit tests and test tools included.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BERTH_BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, and not on the build directory's path, so a
# second checkout of the same sources (CI's copy, a worktree) reuses the first one's objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BERTH_BUILD_TYPE:-RelWithDebInfo} >/dev/null
ninja -C "$build" "$@"
