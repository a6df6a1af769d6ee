#!/bin/bash
# Load/save benchmark: a generated 10-layer image (~200 MB by default) as a docker-archive.
#   berth:  berth-image-tool load --unpack  /  save
#   peers:  skopeo copy docker-archive -> oci dir + umoci unpack  /  skopeo copy oci -> docker-archive
# Runs alternate between tools, RUNS times each (default 5); prints medians and ratios.
# Docker (docker load / docker save under a private dockerd) is not wired in yet.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${RUNS:-5}"
layer_mb="${LAYER_MB:-20}"
tool="${BERTH_IMAGE_TOOL:-$(ls "$top"/build*/tests/image_tool/berth-image-tool 2>/dev/null | head -1)}"
[ -x "$tool" ] || { echo "build berth-image-tool first" >&2; exit 1; }
work="$(mktemp -d /tmp/berth-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# --- generate an OCI layout with 10 uncompressed layers of random files
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
echo "image: $(du -m "$work/image.tar" | cut -f1) MB, 10 layers"

now() { date +%s.%N; }
declare -A times
measure() {  # name command...
    local t0 t1
    sync; t0=$(now); "${@:2}" >/dev/null 2>&1; t1=$(now)
    times[$1]+="$(echo "$t1 - $t0" | bc) "
}
for r in $(seq 1 "$runs"); do
    rm -rf "$work/b" "$work/oci" "$work/bundle" "$work/out.tar" "$work/out2.tar"
    measure berth_load "$tool" --root "$work/b" load --unpack -i "$work/image.tar"
    measure skopeo_umoci_load bash -c "skopeo copy --quiet docker-archive:$work/image.tar oci:$work/oci:latest && umoci unpack --image $work/oci:latest $work/bundle"
    measure berth_save "$tool" --root "$work/b" save -o "$work/out.tar" bench/big:latest
    measure skopeo_save skopeo copy --quiet oci:"$work/oci":latest docker-archive:"$work/out2.tar":bench/big:latest
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for k in berth_load skopeo_umoci_load berth_save skopeo_save; do
    printf '%-20s median %6.2fs  (%s)\n' "$k" "$(echo "${times[$k]}" | median)" "${times[$k]}"
done
bl=$(echo "${times[berth_load]}" | median); sl=$(echo "${times[skopeo_umoci_load]}" | median)
bs=$(echo "${times[berth_save]}" | median); ss=$(echo "${times[skopeo_save]}" | median)
echo "load: skopeo+umoci / berth = $(echo "scale=2; $sl / $bl" | bc)x"
echo "save: skopeo / berth       = $(echo "scale=2; $ss / $bs" | bc)x"
