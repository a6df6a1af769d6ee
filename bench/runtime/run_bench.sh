#!/usr/bin/env bash
# run_bench.sh: `berth-runtime run` against `runc run` of the same busybox `true` bundle, and
# both against the floor `unshare --pid --fork --mount --uts --ipc --net chroot ROOTFS /bin/true`.
#
#   bench/runtime/run_bench.sh [-n RUNS] [-w WARMUP] [-o RAW.tsv] [-s tmpfs|disk]
#
# The bundle: config.json from `berth-runtime spec` with terminal false, namespaces pid, mount,
# uts, ipc and network only (spec's cgroup namespace removed), a 256 MiB memory limit, the
# default mounts, process `true`. Runs alternate berth, runc, floor (RUNS of each, default 50,
# after WARMUP unmeasured rounds, default 3), timed by timing_harness.c (clock_gettime around
# fork/exec/wait4; peak RSS is wait4's ru_maxrss, the figure GNU time's %M prints).
# Both runtimes keep their state (--root) on a private tmpfs, as they would under /run on a
# usual host (-s disk puts it in the work dir under /tmp instead: on this host's ext4 that costs
# each run a few ms of inode allocation). Needs root. Env: BERTH_RUNTIME (default build/src/runtime/berth-runtime), RUNC (default `runc`).
# Prints a per-command table and a summary block. Timings are reported, never asserted.
set -euo pipefail
# The peers this bench compares against (dockerd, runc, GNU time) come with --bench.
"$(cd "$(dirname "$0")/../.." && pwd)/scripts/install-deps.sh" --bench >/dev/null

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=50 warmup=3 raw="" statefs=tmpfs
while getopts "n:w:o:s:h" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    w) warmup=$OPTARG ;;
    o) raw=$OPTARG ;;
    s) statefs=$OPTARG ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run_bench.sh: run as root" >&2; exit 1; }
[ "$runs" -ge 30 ] || echo "run_bench.sh: warning: $runs runs per command (the issue asks for at least 30)" >&2

berth=${BERTH_RUNTIME:-$repo/build/src/runtime/berth-runtime}
runc=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
[ -x "$berth" ] || { echo "run_bench.sh: $berth is not built (ninja -C build berth-runtime)" >&2; exit 1; }
[ -x "$runc" ] || { echo "run_bench.sh: runc not found" >&2; exit 1; }

work=$(mktemp -d /tmp/berth-bench.XXXXXX)
chmod 755 "$work"
tag=bench$$
cleanup() {
  local id c
  for id in $("$berth" --root "$work/state/berth" list -q 2>/dev/null); do
    "$berth" --root "$work/state/berth" delete --force "$id" >/dev/null 2>&1 || true
  done
  for id in $("$runc" --root "$work/state/runc" list -q 2>/dev/null); do
    "$runc" --root "$work/state/runc" delete --force "$id" >/dev/null 2>&1 || true
  done
  for c in /sys/fs/cgroup/*/berth-bench/"$tag"-*; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
  rmdir /sys/fs/cgroup/*/berth-bench 2>/dev/null || true
  if mountpoint -q "$work/state"; then umount "$work/state"; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/state"
case $statefs in
  tmpfs) mount -t tmpfs -o size=16m,mode=0700 berth-bench-state "$work/state" ;;
  disk) ;;
  *) echo "run_bench.sh: -s tmpfs or -s disk" >&2; exit 2 ;;
esac

# The harness, built here so the bench needs no CMake target.
cc=${CC:-cc}
"$cc" -O2 -Wall -o "$work/timing_harness" "$here/timing_harness.c"

# One bundle per runtime (same content, own cgroup).
BERTH_RUNTIME=$berth "$repo/scripts/make-busybox-bundle.sh" "$work/berth-bundle" true >/dev/null
for rt in berth runc; do
  [ "$rt" = runc ] && cp -a "$work/berth-bundle" "$work/runc-bundle"
  jq --arg cg "/berth-bench/$tag-$rt" '
      .linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}]
    | .linux.resources.memory = {"limit": 268435456}
    | .linux.cgroupsPath = $cg
    | .process.terminal = false
    | .process.args = ["true"]' "$work/berth-bundle/config.json" > "$work/$rt.json"
  mv "$work/$rt.json" "$work/$rt-bundle/config.json"
done
rootfs=$work/berth-bundle/rootfs

berth_cmd=("$berth" --root "$work/state/berth" run --bundle "$work/berth-bundle" "$tag-b{}")
runc_cmd=("$runc" --root "$work/state/runc" run --bundle "$work/runc-bundle" "$tag-r{}")
floor_cmd=(unshare --pid --fork --mount --uts --ipc --net chroot "$rootfs" /bin/true)

# Each must work once before anything is timed.
for name in berth runc floor; do
  declare -n cmd=${name}_cmd
  probe=("${cmd[@]//\{\}/check}")
  if ! out=$("${probe[@]}" 2>&1 </dev/null); then
    echo "run_bench.sh: $name does not run:" >&2
    echo "  ${probe[*]}" >&2
    echo "$out" >&2
    exit 1
  fi
done

echo "berth-runtime: $berth ($("$berth" --version 2>/dev/null | head -n1 || true))"
echo "runc:          $runc ($("$runc" --version | head -n1))"
cg=v1/hybrid; [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && cg=v2
echo "host:          $(uname -r), $(nproc) CPUs, cgroups $cg"
echo "state roots:   $statefs"
echo "runs:          $runs each, alternating berth/runc/floor, after $warmup warm-up rounds"
echo

args=(-n "$runs" -w "$warmup")
[ -n "$raw" ] && args+=(-o "$raw")
"$work/timing_harness" "${args[@]}" \
  berth "${berth_cmd[@]}" ';;' runc "${runc_cmd[@]}" ';;' floor "${floor_cmd[@]}" > "$work/summary"

awk '
  { med[$1] = $2; p90[$1] = $3; mean[$1] = $4; min[$1] = $5; max[$1] = $6; rss[$1] = $7; rssmax[$1] = $8; fail[$1] = $10 }
  END {
    printf "%-6s %9s %9s %9s %9s %9s %12s %12s %8s\n", "", "median", "p90", "mean", "min", "max", "RSS median", "RSS max", "failed"
    n = split("berth runc floor", order, " ")
    for (i = 1; i <= n; i++) {
      k = order[i]
      printf "%-6s %6.2f ms %6.2f ms %6.2f ms %6.2f ms %6.2f ms %8d KiB %8d KiB %8d\n", k, med[k], p90[k], mean[k], min[k], max[k], rss[k], rssmax[k], fail[k]
    }
    print ""
    printf "berth-runtime run: median %.1f ms  p90 %.1f ms  peak RSS %.1f MiB\n", med["berth"], p90["berth"], rssmax["berth"] / 1024
    printf "runc run:          median %.1f ms  p90 %.1f ms  peak RSS %.1f MiB\n", med["runc"], p90["runc"], rssmax["runc"] / 1024
    printf "floor (unshare):   median %.1f ms  p90 %.1f ms\n", med["floor"], p90["floor"]
    printf "runc/berth = %.1fx   berth/floor = %.1fx\n", med["runc"] / med["berth"], med["berth"] / med["floor"]
    printf "targets: runc/berth >= 3x, berth/floor <= 2x, berth peak RSS <= 3 MiB\n"
  }' "$work/summary"
