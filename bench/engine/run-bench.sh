#!/bin/bash
# Engine benchmark: berthd vs Docker (Debian's docker.io dockerd + containerd), driven by the
# same real docker CLI (/usr/local/bin/docker) against both daemons, on the same busybox rootfs
# (berthd builds busybox:latest from /bin/busybox; `docker save` from berthd is loaded into dockerd).
#   (1) run --rm --network none busybox true, end to end (docker CLI -> berthd, docker CLI ->
#       dockerd, and berth's own CLI -> berthd); RUNS runs each, alternating, median ms
#   (2) N sequential `run -d --network none busybox sleep 1000`, total seconds (docker CLI ->
#       berthd, docker CLI -> dockerd, berth CLI -> berthd); BATCH_RUNS rounds each,
#       alternating; the containers are removed (rm -f, untimed) after every round
#   (3) `ps -a` with PS_CONTAINERS created (not started) containers: median of PS_CALLS calls
#   (4) idle RSS: berthd vs dockerd + containerd, after the runs settle (no containers);
#       one berth-shim vs one containerd-shim-runc-v2, with one running container each
# Both daemons are private: own data/exec roots, sockets and pid files under a temp dir; dockerd
# runs with --bridge none --iptables=false --ip6tables=false --ip-forward=false, every container
# with --network none. Everything is removed on exit; daemons are stopped by pid.
#   sudo RUNS=10 N=100 BATCH_RUNS=3 PS_CONTAINERS=200 PS_CALLS=10 bench/engine/run-bench.sh
# (root; never run by the tests; reports figures, never fails on speed)
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
if ! { [ -x /usr/sbin/dockerd ] && command -v containerd >/dev/null && [ -x /usr/bin/time ]; }; then
    "$top/scripts/install-deps.sh" --bench >/dev/null
fi
runs="${RUNS:-10}"
n="${N:-100}"
batch_runs="${BATCH_RUNS:-3}"
ps_containers="${PS_CONTAINERS:-200}"
ps_calls="${PS_CALLS:-10}"
DOCKER="${DOCKER:-/usr/local/bin/docker}"
BERTHD="${BERTHD:-$top/build/src/daemon/berthd}"
BERTH="${BERTH:-$top/build/src/cli/berth}"
for b in "$DOCKER" "$BERTHD" "$BERTH" /usr/sbin/dockerd; do
    [ -x "$b" ] || { echo "missing $b (scripts/build.sh; scripts/install-deps.sh --bench)" >&2; exit 1; }
done
# short path: unix socket paths are limited to 107 bytes
work="$(mktemp -d /tmp/bbench.XXXXXX)"
# Exec roots (runtime state, shim dirs, containerd's state) on tmpfs, as on a real host
# (/run/berth, /run/docker, /run/containerd): on disk, ext4's writeback of the small state
# files shows up in every container's teardown, for both daemons.
run="$(mktemp -d /run/bbench.XXXXXX)"
mkdir -p "$work/docker-config"
export DOCKER_CONFIG="$work/docker-config"
unset DOCKER_HOST BERTH_HOST
BS="unix://$work/b.sock" DS="unix://$work/docker.sock"
dkb() { "$DOCKER" -H "$BS" "$@"; }
dkd() { "$DOCKER" -H "$DS" "$@"; }
bcli() { "$BERTH" -H "$BS" "$@"; }

. "$top/bench/lib/dockerd.sh"
berthd_pid=""
rm_all() {  # dk host: remove every container of one daemon, one at a time (each bounded to 60 s)
    # One at a time: a `docker rm -f` of 50 running --network none containers at once deadlocks
    # dockerd 20.10.24 here (36 goroutines in ContainerRm -> Cleanup -> releaseNetwork, forever).
    local ids
    ids=$(timeout 60 "$DOCKER" -H "$2" ps -aq --no-trunc 2>/dev/null || true)
    [ -z "$ids" ] || echo "$ids" | xargs -r -n 1 timeout 60 "$DOCKER" -H "$2" rm -f >/dev/null 2>&1 || true
}
cleanup() {
    set +e
    [ -n "$berthd_pid" ] && rm_all dkb "$BS"
    [ -n "$dockerd_pid" ] && rm_all dkd "$DS"
    stop_pid "$berthd_pid"
    stop_private_dockerd "$work" "$run"
    # (stop_private_dockerd also unmounts whatever either daemon left under $work)
    rm -rf "$work" "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# --- a private berthd
echo '{}' > "$work/berthd.json"
"$BERTHD" --data-root "$work/b-data" --exec-root "$run/b-exec" -H "$BS" --pidfile "$work/berthd.pid" \
    --config-file "$work/berthd.json" > "$work/berthd.log" 2>&1 &
berthd_pid=$!
wait_for 60 dkb image inspect busybox:latest || { echo "berthd did not come up" >&2; tail -20 "$work/berthd.log" >&2; exit 1; }

# --- a private dockerd (and its containerd), all state under $work
start_private_dockerd "$work" "$work/docker.sock" "$run"

# --- the same busybox rootfs in both
dkb save busybox:latest | dkd load -q >/dev/null
bid=$(dkb image inspect --format '{{.Id}}' busybox:latest)
did=$(dkd image inspect --format '{{.Id}}' busybox:latest)
[ "$bid" = "$did" ] || { echo "image ids differ: berth $bid, docker $did" >&2; exit 1; }
echo "berthd: $(dkb version --format '{{.Server.Version}}, API {{.Server.APIVersion}}') ($BERTHD)"
echo "dockerd: $(dkd version --format '{{.Server.Version}}, API {{.Server.APIVersion}}'), storage $(dkd info --format '{{.Driver}}'), containerd $(containerd --version | awk '{print $3}')"
echo "client: docker CLI $("$DOCKER" version --format '{{.Client.Version}}' 2>/dev/null || true) ($DOCKER); berth CLI $BERTH"
echo "image: busybox:latest $bid in both"
echo "settings: RUNS=$runs N=$n BATCH_RUNS=$batch_runs PS_CONTAINERS=$ps_containers PS_CALLS=$ps_calls; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 2
rss_kib() { ps -o rss= -p "$1" | tr -d ' '; }
idle0_b=$(rss_kib "$berthd_pid"); idle0_d=$(( $(rss_kib "$dockerd_pid") + $(rss_kib "$containerd_pid") ))

now_ns() { date +%s%N; }
declare -A t
timed() {  # key command...: wall time in ms appended to t[key]; output discarded; must succeed
    local t0 t1
    t0=$(now_ns)
    "${@:2}" >/dev/null 2>"$work/err" || { echo "$1 failed:" >&2; cat "$work/err" >&2; exit 1; }
    t1=$(now_ns)
    t[$1]+="$(( (t1 - t0) / 1000 )) "  # microseconds
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
med() { echo "${t[$1]}" | median; }
rot() {  # round list...: the list rotated by round, so no one always goes first
    local r=$1; shift; local a=("$@"); local k=$(( r % $# ))
    echo "${a[@]:$k}" "${a[@]:0:$k}"
}

# warm-up, untimed: one run each
dkb run --rm --network none busybox true >/dev/null
dkd run --rm --network none busybox true >/dev/null
"$BERTH" -H "$BS" run --rm --network none busybox true >/dev/null

# --- (1) run --rm true
echo "(1) run --rm --network none busybox true, $runs runs each..."
for r in $(seq 1 "$runs"); do
    for w in $(rot "$r" berth docker berthcli); do
        case $w in
        berth) timed run_berth dkb run --rm --network none busybox true ;;
        docker) timed run_docker dkd run --rm --network none busybox true ;;
        berthcli) timed run_berthcli "$BERTH" -H "$BS" run --rm --network none busybox true ;;
        esac
    done
done

sleep 2
mid_b=$(rss_kib "$berthd_pid"); mid_d=$(( $(rss_kib "$dockerd_pid") + $(rss_kib "$containerd_pid") ))

# --- (2) N sequential run -d
batch() {  # key dk host: N sequential run -d, timed as a whole; then removed, untimed
    local i t0 t1
    t0=$(now_ns)
    for i in $(seq 1 "$n"); do
        "$2" run -d --network none busybox sleep 1000 >/dev/null 2>"$work/err" || { echo "$1 run -d #$i failed:" >&2; cat "$work/err" >&2; exit 1; }
    done
    t1=$(now_ns)
    t[$1]+="$(( (t1 - t0) / 1000 )) "
    rm_all "$2" "$3"
}
echo "(2) $n sequential run -d --network none busybox sleep 1000, $batch_runs rounds each..."
for r in $(seq 1 "$batch_runs"); do
    for w in $(rot "$r" berth docker berthcli); do
        case $w in
        berth) batch batch_berth dkb "$BS" ;;
        docker) batch batch_docker dkd "$DS" ;;
        berthcli) batch batch_berthcli bcli "$BS" ;;
        esac
    done
done
[ -z "$(dkb ps -aq)" ] && [ -z "$(dkd ps -aq)" ] || { echo "containers left after rm -f" >&2; exit 1; }

# --- (4) idle RSS after the runs settle, then one shim each with one running container
sleep 5
idle_b=$(rss_kib "$berthd_pid"); idle_d=$(rss_kib "$dockerd_pid"); idle_c=$(rss_kib "$containerd_pid")
cb=$(dkb run -d --network none busybox sleep 1000)
cd_=$(dkd run -d --network none busybox sleep 1000)
sleep 3
# shims are found by name and by our private socket/root in their command line (never by name alone)
shim_pid() {  # comm substring-of-args
    ps -eo pid=,comm=,args= | awk -v c="$1" -v p="$2" '$2 == c && index($0, p) {print $1}'
}
bshims=$(ps -eo pid=,comm=,args= | awk -v c="berth-shim" '$2 == c {print $1}' | while read -r p; do
    if tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF "$work" || grep -qF "$work" /proc/$p/environ 2>/dev/null \
        || [ "$(awk '/PPid/ {print $2}' /proc/$p/status)" = "$berthd_pid" ]; then echo "$p"; fi; done)
cshims=$(shim_pid containerd-shim "$run/containerd.sock")
bshim=$(echo "$bshims" | head -1); cshim=$(echo "$cshims" | head -1)
bshim_rss=$( [ -n "$bshim" ] && rss_kib "$bshim" || echo 0 )
cshim_rss=$( [ -n "$cshim" ] && rss_kib "$cshim" || echo 0 )
[ -n "$bshim" ] || echo "warning: no berth-shim found for berthd $berthd_pid" >&2
[ -n "$cshim" ] || echo "warning: no containerd-shim found for $run/containerd.sock" >&2
dkb rm -f "$cb" >/dev/null; dkd rm -f "$cd_" >/dev/null

# --- (3) ps -a with PS_CONTAINERS created containers
echo "(3) ps -a with $ps_containers created containers, $ps_calls calls each..."
for i in $(seq 1 "$ps_containers"); do
    dkb create --network none busybox true >/dev/null
    dkd create --network none busybox true >/dev/null
done
[ "$(dkb ps -aq | wc -l)" = "$ps_containers" ] || { echo "berthd lists $(dkb ps -aq | wc -l) containers" >&2; exit 1; }
[ "$(dkd ps -aq | wc -l)" = "$ps_containers" ] || { echo "dockerd lists $(dkd ps -aq | wc -l) containers" >&2; exit 1; }
dkb ps -a >/dev/null; dkd ps -a >/dev/null; "$BERTH" -H "$BS" ps -a >/dev/null
for r in $(seq 1 "$ps_calls"); do
    for w in $(rot "$r" berth docker berthcli); do
        case $w in
        berth) timed ps_berth dkb ps -a ;;
        docker) timed ps_docker dkd ps -a ;;
        berthcli) timed ps_berthcli "$BERTH" -H "$BS" ps -a ;;
        esac
    done
done
rm_all dkb "$BS"; rm_all dkd "$DS"

# --- summary
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1fx", a / b; else print "n/a"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
rb=$(med run_berth); rd=$(med run_docker); rc=$(med run_berthcli)
bb=$(med batch_berth); bd=$(med batch_docker); bc=$(med batch_berthcli)
pb=$(med ps_berth); pd=$(med ps_docker); pc=$(med ps_berthcli)
cat <<EOF

===== berth vs Docker: summary (medians; ratio = Docker / berth) =====
(1) run --rm --network none busybox true (ms, $runs runs each)
    docker CLI -> dockerd      $(ms "$rd")
    docker CLI -> berthd       $(ms "$rb")      Docker/berth $(ratio "$rd" "$rb")    target >= 8x
    berth CLI  -> berthd       $(ms "$rc")      Docker/berth $(ratio "$rd" "$rc")
(2) $n sequential run -d ... sleep 1000 (s total, $batch_runs rounds each)
    docker CLI -> dockerd      $(awk -v u="$bd" -v n="$n" 'BEGIN {printf "%.2f s (%.1f ms/run)", u/1e6, u/1e3/n}')
    docker CLI -> berthd       $(awk -v u="$bb" -v n="$n" 'BEGIN {printf "%.2f s (%.1f ms/run)", u/1e6, u/1e3/n}')      Docker/berth $(ratio "$bd" "$bb")    target >= 8x
    berth CLI  -> berthd       $(awk -v u="$bc" -v n="$n" 'BEGIN {printf "%.2f s (%.1f ms/run)", u/1e6, u/1e3/n}')      Docker/berth $(ratio "$bd" "$bc")
(3) ps -a with $ps_containers created containers (ms, $ps_calls calls each)
    docker CLI -> dockerd      $(ms "$pd")
    docker CLI -> berthd       $(ms "$pb")      Docker/berth $(ratio "$pd" "$pb")
    berth CLI  -> berthd       $(ms "$pc")      Docker/berth $(ratio "$pd" "$pc")
(4) RSS
    idle after start-up:   berthd $(mib "$idle0_b"), dockerd+containerd $(mib "$idle0_d")
    idle after (1):        berthd $(mib "$mid_b"), dockerd+containerd $(mib "$mid_d")
    idle after (1)+(2):    berthd $(mib "$idle_b")    target <= 15 MiB
                           dockerd $(mib "$idle_d") + containerd $(mib "$idle_c") = $(mib $((idle_d + idle_c)))      Docker/berth $(ratio $((idle_d + idle_c)) "$idle_b")
    one shim, one running container: berth-shim $(mib "$bshim_rss")    target <= 1.5 MiB
                                     containerd-shim-runc-v2 $(mib "$cshim_rss")      Docker/berth $(ratio "$cshim_rss" "$bshim_rss")
raw (us): run_berth=[${t[run_berth]}] run_docker=[${t[run_docker]}] run_berthcli=[${t[run_berthcli]}]
          batch_berth=[${t[batch_berth]}] batch_docker=[${t[batch_docker]}] batch_berthcli=[${t[batch_berthcli]}]
          ps_berth=[${t[ps_berth]}] ps_docker=[${t[ps_docker]}] ps_berthcli=[${t[ps_berthcli]}]
EOF
