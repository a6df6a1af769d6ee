#!/bin/bash
# Registry benchmark: pull and push of a ~200 MB, 10-layer Debian image between a private local
# registry (Debian's docker-registry on 127.0.0.1) and
#   berth:  the berth CLI -> a private berthd
#   docker: the docker CLI -> a private dockerd + containerd (Debian's docker.io, bench/lib)
# alternating, RUNS rounds (default 3), medians and ratios:
#   (1) pull into an empty store: berthd gets a fresh data root every round (started untimed);
#       dockerd's image is removed with `rmi` + `image prune -a` between rounds (dockerd drops
#       unreferenced layers, so every round downloads and unpacks all 10)
#   (2) floor: `gzip -dc` of the same 10 layer blobs to /dev/null, one after the other
#   (3) re-pull of a present image (nothing to download), REPULLS calls each (default 5)
#   (4) push of the pulled image to an empty registry: the push registry's storage is wiped
#       and it is restarted (untimed) before every push, so no blob can be skipped or mounted
# The image: `mmdebstrap --variant=minbase --include=$INCLUDE bookworm` (from the Debian mirror
# apt uses; about a minute and a half) split into 10 gzip layers by split_layers.py, then pushed
# by skopeo. BENCH_ROOTFS=/path/rootfs.tar reuses (or keeps, when the file is missing) the tar.
#   sudo RUNS=3 REPULLS=5 bench/registry/run-bench.sh
# Targets (issue 10): pull and push >= 2x faster than Docker; pull <= 1.5x the floor; re-pull of
# a present image < 50 ms. Traffic: only 127.0.0.1 (the registries), besides mmdebstrap's
# download from the Debian mirror. Every process started here is stopped by pid on exit.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
"$top/scripts/install-deps.sh" --bench >/dev/null
runs="${RUNS:-3}"
repulls="${REPULLS:-5}"
include="${INCLUDE:-python3}"
DOCKER="${DOCKER:-/usr/local/bin/docker}"
BERTHD="${BERTHD:-$top/build/src/daemon/berthd}"
BERTH="${BERTH:-$top/build/src/cli/berth}"
for b in "$DOCKER" "$BERTHD" "$BERTH" /usr/sbin/dockerd /usr/bin/docker-registry; do
    [ -x "$b" ] || { echo "missing $b (scripts/build.sh; scripts/install-deps.sh --bench)" >&2; exit 1; }
done
work="$(mktemp -d /tmp/rbench.XXXXXX)"   # short: unix socket paths are limited to 107 bytes
run="$(mktemp -d /run/rbench.XXXXXX)"    # exec roots on tmpfs, as on a real host
mkdir -p "$work/docker-config"
export DOCKER_CONFIG="$work/docker-config"   # nothing reaches root's ~/.docker
unset DOCKER_HOST BERTH_HOST
BS="unix://$work/b.sock" DS="unix://$work/docker.sock"
# Both engines' data on one fresh ext4 (with a journal) of its own: on a root filesystem that
# has seen many recent deletions (test suites) and has no journal, as on some VMs, ext4 scans
# every recently deleted inode at each file creation, and whichever engine writes into such
# a region loses seconds to it (perf: recently_deleted/find_get_block_common) rather than to
# its own work.
fsimg="$(mktemp /var/tmp/rbench-fs.XXXXXX)"
truncate -s 16G "$fsimg"
mkfs.ext4 -q -F "$fsimg"
mkdir -p "$work/fs"
mount -o loop "$fsimg" "$work/fs"

. "$top/bench/lib/dockerd.sh"
. "$top/bench/registry/lib.sh"
berthd_pid=""
cleanup() {
    set +e
    stop_pid "$berthd_pid"
    stop_registries
    stop_private_dockerd "$work/fs" "$run"
    awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$work" "$run" "$fsimg"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the image
rootfs="${BENCH_ROOTFS:-$work/rootfs.tar}"
if [ ! -s "$rootfs" ]; then
    echo "making the rootfs: mmdebstrap --variant=minbase --include=$include bookworm" >&2
    mmdebstrap --quiet --variant=minbase --mode=root --format=tar --include="$include" \
        bookworm "$rootfs" >&2
fi
python3 "$top/bench/registry/split_layers.py" "$rootfs" "$work/layout" bench 10 2> "$work/split.log"
manifest="$work/layout/blobs/sha256/$(jq -r '.manifests[0].digest' "$work/layout/index.json" | cut -d: -f2)"
layer_blobs=()
for l in $(jq -r '.layers[].digest' "$manifest"); do layer_blobs+=("$work/layout/blobs/sha256/${l#sha256:}"); done
gz_mb=$(du -cm "${layer_blobs[@]}" | tail -n 1 | cut -f1)
raw_mb=$(($(stat -c %s "$rootfs") >> 20))

# --- the registries: one to pull from, one (wiped before each push) to push to
start_registry "$work/reg-pull"; PULL_REG=$REG_ADDR
start_registry "$work/reg-push"; PUSH_REG=$REG_ADDR; push_reg_pid=$REG_PID
skopeo copy -q --dest-tls-verify=false --format v2s2 "oci:$work/layout:bench" "docker://$PULL_REG/bench/debian:1"
IMG=$PULL_REG/bench/debian:1

# --- the daemons
start_berthd() {  # a fresh data root each time it is given a new one
    echo '{}' > "$work/berthd.json"
    "$BERTHD" --data-root "$1" --exec-root "$run/b-exec" -H "$BS" --pidfile "$work/berthd.pid" \
        --config-file "$work/berthd.json" >> "$work/berthd.log" 2>&1 &
    berthd_pid=$!
    wait_for 60 "$BERTH" -H "$BS" version || { echo "berthd did not come up" >&2; tail -20 "$work/berthd.log" >&2; exit 1; }
}
dockerd_extra_args=(--insecure-registry "$PULL_REG" --insecure-registry "$PUSH_REG")
start_private_dockerd "$work/fs" "$work/docker.sock" "$run"

bcli() { "$BERTH" -H "$BS" "$@"; }
dkd() { "$DOCKER" -H "$DS" "$@"; }
declare -A t
add() { t[$1]="${t[$1]:-} $2"; }
now_ms() { date +%s%3N; }
timed() {  # key command...: runs it, adds its wall time in ms to key
    local s e
    s=$(now_ms); "${@:2}" >/dev/null; e=$(now_ms)
    add "$1" $((e - s))
}

echo "registry bench: $raw_mb MiB rootfs in 10 layers, $gz_mb MiB gzip; $runs rounds" >&2
for i in $(seq 1 "$runs"); do
    # alternate which goes first, so neither always meets a cold or warm page cache
    order=(berth docker); [ $((i % 2)) = 0 ] && order=(docker berth)
    for who in "${order[@]}"; do
        if [ "$who" = berth ]; then
            stop_pid "$berthd_pid"; rm -rf "$work/fs/b-data"; start_berthd "$work/fs/b-data"
            timed berth_pull bcli pull "$IMG"
        else
            dkd rmi -f "$IMG" >/dev/null 2>&1 || true
            dkd image prune -af >/dev/null 2>&1 || true
            timed docker_pull dkd pull "$IMG"
        fi
    done
    s=$(now_ms)
    for b in "${layer_blobs[@]}"; do gzip -dc "$b" > /dev/null; done
    add floor $(($(now_ms) - s))
    for who in "${order[@]}"; do
        restart_registry_empty "$work/reg-push"
        if [ "$who" = berth ]; then
            bcli tag "$IMG" "$PUSH_REG/bench/b$i:1"
            timed berth_push bcli push "$PUSH_REG/bench/b$i:1"
        else
            dkd tag "$IMG" "$PUSH_REG/bench/d$i:1"
            timed docker_push dkd push "$PUSH_REG/bench/d$i:1"
        fi
    done
    echo "round $i done" >&2
done
for i in $(seq 1 "$repulls"); do
    timed berth_repull bcli pull "$IMG"
    timed docker_repull dkd pull "$IMG"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
med() { echo "${t[$1]}" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}'; }
echo
echo "===== registry: berth vs Docker ($(date -u '+%Y-%m-%d %H:%M UTC'), $runs rounds, medians in ms) ====="
echo "image: $raw_mb MiB rootfs, 10 layers, $gz_mb MiB gzip ($(cut -d' ' -f3 /proc/loadavg) load)"
echo "versions: $("$BERTH" --version 2>/dev/null | head -n 1); dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,); docker-registry $(docker-registry --version | cut -d' ' -f3)"
for k in berth_pull docker_pull floor berth_push docker_push berth_repull docker_repull; do
    printf '  %-14s %8s   (%s)\n' "$k" "$(med "$k")" "${t[$k]# }"
done
echo "pull:   Docker/berth $(ratio "$(med docker_pull)" "$(med berth_pull)")   (target >= 2x)"
echo "        berth/floor  $(ratio "$(med berth_pull)" "$(med floor)")   (target <= 1.5x)"
echo "push:   Docker/berth $(ratio "$(med docker_push)" "$(med berth_push)")   (target >= 2x)"
echo "re-pull: berth $(med berth_repull) ms (target < 50 ms), Docker $(med docker_repull) ms"
