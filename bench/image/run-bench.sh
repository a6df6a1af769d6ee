#!/bin/bash
# Load/save benchmark: a generated 10-layer image (~200 MB by default) as a docker-archive.
#   berth:  berth-image-tool load --unpack  /  save
#   docker: docker load -i  /  docker save -o, against a private dockerd (Debian's docker.io)
#           with its own containerd, data root, exec root and socket under the work dir;
#           no bridge, no iptables, no ip forwarding: nothing on the host network changes
#   peers:  skopeo copy docker-archive -> oci dir + umoci unpack  /  skopeo copy oci -> docker-archive
# Runs alternate between tools, RUNS times each (default 5); prints medians, ratios and berth's
# peak RSS (GNU time %M) for load and save.
#   RUNS=5 LAYER_MB=20 DOCKER=auto|0|1 BENCH_IMAGE=/path/to/keep.tar bench/image/run-bench.sh
# (root; never run by the tests)
# DOCKER=auto (default) skips Docker when /usr/sbin/dockerd is missing; DOCKER=1 requires it.
set -euo pipefail
# The peers this bench compares against (dockerd, runc, GNU time) come with --bench.
"$(cd "$(dirname "$0")/../.." && pwd)/scripts/install-deps.sh" --bench >/dev/null
top="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${RUNS:-5}"
layer_mb="${LAYER_MB:-20}"
want_docker="${DOCKER:-auto}"
tool="${BERTH_IMAGE_TOOL:-$(ls "$top"/build*/tests/image_tool/berth-image-tool 2>/dev/null | head -1)}"
[ -x "$tool" ] || { echo "build berth-image-tool first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed for peak RSS: apt-get install time" >&2; exit 1; }
work="$(mktemp -d /tmp/berth-bench.XXXXXX)"

. "$top/bench/lib/dockerd.sh"
cleanup() {
    stop_private_dockerd "$work"
    rm -rf "$work"
}
trap cleanup EXIT

# --- the image: generated (an OCI layout with 10 uncompressed layers of random files, copied
# into a docker-archive by skopeo), or BENCH_IMAGE when that file exists (it is kept there when not)
if [ -n "${BENCH_IMAGE:-}" ] && [ -f "$BENCH_IMAGE" ]; then
    cp "$BENCH_IMAGE" "$work/image.tar"
else
    layout="$work/layout"
    mkdir -p "$layout/blobs/sha256"
    diff_ids=() layers_json=()
    for i in $(seq 0 9); do
        src="$work/src$i"
        mkdir -p "$src/layer$i"
        for f in $(seq 1 20); do head -c $((layer_mb * 1024 * 1024 / 20)) /dev/urandom > "$src/layer$i/f$f"; done
        tar -C "$src" -cf "$work/l.tar" .
        d="$(sha256sum < "$work/l.tar" | cut -d' ' -f1)"
        size="$(stat -c %s "$work/l.tar")"
        mv "$work/l.tar" "$layout/blobs/sha256/$d"
        rm -rf "$src"
        diff_ids+=("\"sha256:$d\"")
        layers_json+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$size}")
    done
    join() { local IFS=,; echo "$*"; }
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
        "$(join "${diff_ids[@]}")" > "$work/config"
    cd_=$(sha256sum < "$work/config" | cut -d' ' -f1); cs=$(stat -c %s "$work/config"); mv "$work/config" "$layout/blobs/sha256/$cd_"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
        "$cd_" "$cs" "$(join "${layers_json[@]}")" > "$work/manifest"
    md=$(sha256sum < "$work/manifest" | cut -d' ' -f1); ms=$(stat -c %s "$work/manifest"); mv "$work/manifest" "$layout/blobs/sha256/$md"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' "$md" "$ms" > "$layout/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
    skopeo copy --quiet oci:"$layout":latest docker-archive:"$work/image.tar":bench/big:latest
    rm -rf "$layout"
    if [ -n "${BENCH_IMAGE:-}" ]; then cp "$work/image.tar" "$BENCH_IMAGE"; fi
fi
cd_=$(tar -xOf "$work/image.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"].split("/")[-1].removesuffix(".json"))')
echo "image: $(du -m "$work/image.tar" | cut -f1) MB, $(tar -xOf "$work/image.tar" manifest.json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["Layers"]))') layers, config sha256:$cd_"

# --- a private dockerd (and its containerd), all state under $work
use_docker=0
if [ "$want_docker" != 0 ]; then
    if [ -x /usr/sbin/dockerd ] && command -v containerd >/dev/null && command -v docker >/dev/null; then
        use_docker=1
    elif [ "$want_docker" = 1 ]; then
        echo "DOCKER=1 but dockerd/containerd/docker are missing (apt-get install docker.io)" >&2; exit 1
    else
        echo "docker: /usr/sbin/dockerd missing, Docker comparison skipped (apt-get install docker.io)"
    fi
fi
if [ "$use_docker" = 1 ]; then
    mkdir -p "$work/docker-config"
    start_private_dockerd "$work" "$work/docker.sock"
    export DOCKER_HOST="unix://$work/docker.sock" DOCKER_CONFIG="$work/docker-config"
    echo "docker: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}'), storage $(docker info --format '{{.Driver}}')"
fi

now() { date +%s.%N; }
declare -A times rss
measure() {  # name command...: wall time; peak RSS (KiB) of the command itself via GNU time
    local t0 t1
    sync; t0=$(now)
    /usr/bin/time -f %M -o "$work/rss" "${@:2}" >/dev/null 2>"$work/err" || { echo "$1 failed:" >&2; cat "$work/err" >&2; exit 1; }
    t1=$(now)
    times[$1]+="$(echo "$t1 - $t0" | bc) "
    rss[$1]+="$(tail -1 "$work/rss") "
}
order=(berth skopeo docker)
for r in $(seq 1 "$runs"); do
    rm -rf "$work/b" "$work/oci" "$work/bundle" "$work"/out*.tar
    if [ "$use_docker" = 1 ]; then docker rmi -f bench/big:latest >/dev/null 2>&1 || true; fi
    # rotate which tool goes first, so none always meets a cold (or warm) page cache
    for t in "${order[@]:$((r % 3))}" "${order[@]:0:$((r % 3))}"; do
        case $t in
        berth) measure berth_load "$tool" --root "$work/b" load --unpack -i "$work/image.tar" ;;
        skopeo) measure skopeo_umoci_load bash -c "skopeo copy --quiet docker-archive:$work/image.tar oci:$work/oci:latest && umoci unpack --image $work/oci:latest $work/bundle" ;;
        docker) if [ "$use_docker" = 1 ]; then measure docker_load docker load -q -i "$work/image.tar"; fi ;;
        esac
    done
    for t in "${order[@]:$((r % 3))}" "${order[@]:0:$((r % 3))}"; do
        case $t in
        berth) measure berth_save "$tool" --root "$work/b" save -o "$work/out-berth.tar" bench/big:latest ;;
        skopeo) measure skopeo_save skopeo copy --quiet oci:"$work/oci":latest docker-archive:"$work/out-skopeo.tar":bench/big:latest ;;
        docker) if [ "$use_docker" = 1 ]; then measure docker_save docker save -o "$work/out-docker.tar" bench/big:latest; fi ;;
        esac
    done
    if [ "$r" = 1 ]; then  # sanity: every tool saw the same image
        bid=$("$tool" --root "$work/b" images | awk '{print $2}')
        [ "$bid" = "sha256:$cd_" ] || { echo "berth image id $bid != sha256:$cd_" >&2; exit 1; }
        if [ "$use_docker" = 1 ]; then
            did=$(docker image inspect --format '{{.Id}}' bench/big:latest)
            [ "$did" = "sha256:$cd_" ] || { echo "docker image id $did != sha256:$cd_" >&2; exit 1; }
            # interop, untimed: berth loads what docker saved, docker loads what berth saved
            "$tool" --root "$work/x" load -i "$work/out-docker.tar" >/dev/null
            xid=$("$tool" --root "$work/x" images | awk '{print $2}')
            rm -rf "$work/x"
            [ "$xid" = "sha256:$cd_" ] || { echo "berth loaded docker's save as $xid" >&2; exit 1; }
            docker rmi -f bench/big:latest >/dev/null
            docker load -q -i "$work/out-berth.tar" >/dev/null
            did=$(docker image inspect --format '{{.Id}}' bench/big:latest)
            [ "$did" = "sha256:$cd_" ] || { echo "docker loaded berth's save as $did" >&2; exit 1; }
            echo "interop: berth loads docker save output, docker loads berth save output (same image id)"
        fi
        echo "saved: berth $(du -m "$work/out-berth.tar" | cut -f1) MB, skopeo $(du -m "$work/out-skopeo.tar" | cut -f1) MB$(
            [ "$use_docker" = 1 ] && echo ", docker $(du -m "$work/out-docker.tar" | cut -f1) MB")"
    fi
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
maxof() { tr ' ' '\n' | grep -v '^$' | sort -n | tail -1; }
keys=(berth_load skopeo_umoci_load berth_save skopeo_save)
if [ "$use_docker" = 1 ]; then keys+=(docker_load docker_save); fi
echo "runs: $runs each, alternating"
for k in "${keys[@]}"; do
    printf '%-18s median %6.2fs  (%s)\n' "$k" "$(echo "${times[$k]}" | median)" "${times[$k]}"
done
m() { echo "${times[$1]}" | median; }
ratio() { echo "scale=2; $(m "$1") / $(m "$2")" | bc; }
echo "load: skopeo+umoci / berth = $(ratio skopeo_umoci_load berth_load)x"
echo "save: skopeo / berth       = $(ratio skopeo_save berth_save)x"
if [ "$use_docker" = 1 ]; then
    echo "load: docker / berth       = $(ratio docker_load berth_load)x"
    echo "save: docker / berth       = $(ratio docker_save berth_save)x"
    echo "dockerd peak RSS over the whole run: $(awk '/VmHWM/ {print int($2/1024)}' /proc/"$dockerd_pid"/status) MiB"
fi
for k in berth_load berth_save; do
    printf '%-18s peak RSS median %d MiB, max %d MiB\n' "$k" $(($(echo "${rss[$k]}" | median | cut -d. -f1) / 1024)) \
        $(($(echo "${rss[$k]}" | maxof) / 1024))
done
