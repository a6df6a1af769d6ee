#!/usr/bin/env bash
# The README's first command: install what is needed, build, start berthd (which makes the
# embedded busybox:latest image from Debian's busybox-static on first start, no network), and
# run `berth run --rm busybox echo hello` through it. berthd is left running for you; its log
# is /var/log/berthd.log. A berthd that is already running is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root (containers need it)" >&2; exit 1; }
scripts/install-deps.sh
# Only the programs the demo runs; scripts/test.sh builds the rest (unit tests, test tools).
scripts/build.sh berthd berth berth-shim berth-init berth-runtime

berthd=$PWD/build/src/daemon/berthd
berth=$PWD/build/src/cli/berth
sock=/run/berth/berthd.sock
pidfile=/run/berth/berthd.pid

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$sock" ]; }
if ! running; then
  mkdir -p /run/berth
  nohup "$berthd" --data-root /var/lib/berth --exec-root /run/berth -H "unix://$sock" --pidfile "$pidfile" \
    >>/var/log/berthd.log 2>&1 </dev/null &
  for _ in $(seq 1 200); do
    running && "$berth" -H "unix://$sock" version >/dev/null 2>&1 && break
    sleep 0.05
  done
  running || { echo "setup.sh: berthd did not start; see /var/log/berthd.log" >&2; tail -n 20 /var/log/berthd.log >&2; exit 1; }
fi
"$berth" -H "unix://$sock" run --rm busybox echo hello
