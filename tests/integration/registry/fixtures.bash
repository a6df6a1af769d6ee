# Test images, made offline from local files with umoci (an OCI layout) and pushed with skopeo.
# Each layer is a directory tarred and appended verbatim (`umoci raw add-layer`), so a test
# knows which layer holds which file:
#   three       3 layers, linux/amd64: busybox; /etc/fixture/a.txt "layer2";
#               a.txt "layer3" + b.txt "b". Cmd: cat /etc/fixture/a.txt (prints "layer3")
#   amd, arm    busybox + /etc/fixture/arch ("amd64" / "arm64"), for the index
#   multi       an OCI image index of amd (linux/amd64) and arm (linux/arm64)
#   big         busybox + a layer of BIG_MB MiB of random data (the kill -9 test)
# The arm image holds the amd64 busybox too: a test only inspects it, never runs it.

# fixture_layer DIR NAME CONTENT: a layer dir whose /etc/fixture/NAME holds CONTENT.
fixture_file() { mkdir -p "$1/etc/fixture"; printf '%s\n' "$3" > "$1/etc/fixture/$2"; }

# busybox_layer_dir DIR: /bin/busybox and the applets the tests call, as symlinks.
busybox_layer_dir() {
  mkdir -p "$1/bin"
  cp /bin/busybox "$1/bin/busybox"
  local a
  for a in sh cat ls echo find sha256sum xargs sleep true head wc stat; do ln -sf busybox "$1/bin/$a"; done
}

# add_layers LAYOUT TAG DIR...: a new image TAG made of one layer per DIR.
add_layers() {
  local layout=$1 tag=$2 d; shift 2
  umoci new --image "$layout:$tag"
  for d in "$@"; do
    tar -C "$d" --numeric-owner --owner=0 --group=0 -cf "$d.tar" .
    umoci raw add-layer --image "$layout:$tag" "$d.tar"
  done
}

# set_config LAYOUT TAG ARCH CMD...: the config's platform, Env and Cmd.
set_config() {
  local layout=$1 tag=$2 arch=$3 c args=(); shift 3
  for c in "$@"; do args+=(--config.cmd "$c"); done
  umoci config --image "$layout:$tag" --os linux --architecture "$arch" \
    --config.env PATH=/bin --config.env "FIXTURE=$tag" "${args[@]}"
}

# make_fixtures DIR: the OCI layout DIR/oci with the tags above (big only if BIG_MB is set),
# and DIR/zstd, a copy of `three` whose layers skopeo recompressed with zstd.
make_fixtures() {
  local dir=$1 w=$1/layers
  FX=$dir
  export FX
  mkdir -p "$w"
  umoci init --layout "$dir/oci"
  busybox_layer_dir "$w/bb"
  fixture_file "$w/l2" a.txt layer2
  fixture_file "$w/l3" a.txt layer3
  fixture_file "$w/l3" b.txt b
  add_layers "$dir/oci" three "$w/bb" "$w/l2" "$w/l3"
  set_config "$dir/oci" three amd64 cat /etc/fixture/a.txt

  fixture_file "$w/amd" arch amd64
  fixture_file "$w/arm" arch arm64
  add_layers "$dir/oci" amd "$w/bb" "$w/amd"
  set_config "$dir/oci" amd amd64 cat /etc/fixture/arch
  add_layers "$dir/oci" arm "$w/bb" "$w/arm"
  set_config "$dir/oci" arm arm64 cat /etc/fixture/arch
  add_index "$dir/oci" multi amd:amd64 arm:arm64

  if [ -n "${BIG_MB:-}" ]; then
    mkdir -p "$w/big/data"
    head -c "$((BIG_MB << 20))" /dev/urandom > "$w/big/data/random.bin"
    add_layers "$dir/oci" big "$w/bb" "$w/big"
    set_config "$dir/oci" big amd64 sha256sum /data/random.bin
    (cd "$w/big" && sha256sum data/random.bin | cut -d' ' -f1) > "$dir/big.sha256"
  fi
  umoci gc --layout "$dir/oci"
  # zstd: skopeo recompresses only when asked to compress (--dest-compress)
  skopeo copy -q --dest-compress --dest-compress-format zstd "oci:$dir/oci:three" "oci:$dir/zstd:three"
}

# add_index LAYOUT TAG SRC:ARCH...: an OCI image index of the manifests tagged SRC, each with
# the platform linux/ARCH, written as a blob and tagged TAG in the layout's index.json.
add_index() {
  local layout=$1 tag=$2 entries="[]" e src arch desc; shift 2
  for e in "$@"; do
    src=${e%%:*} arch=${e#*:}
    desc=$(jq -c --arg t "$src" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)
      | {mediaType, digest, size}' "$layout/index.json")
    entries=$(jq -c --argjson d "$desc" --arg a "$arch" '. + [$d + {platform: {architecture: $a, os: "linux"}}]' <<<"$entries")
  done
  local doc hex
  doc=$(jq -cn --argjson m "$entries" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}')
  hex=$(printf '%s' "$doc" | sha256sum | cut -d' ' -f1)
  printf '%s' "$doc" > "$layout/blobs/sha256/$hex"
  jq --arg h "sha256:$hex" --argjson n "$(printf '%s' "$doc" | wc -c)" --arg t "$tag" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $h, size: $n,
      annotations: {"org.opencontainers.image.ref.name": $t}}]' "$layout/index.json" > "$layout/index.json.new"
  mv "$layout/index.json.new" "$layout/index.json"
}

# push_fixture SRC DEST [SKOPEO-FLAG...]: skopeo copy of SRC (oci:DIR:TAG) to docker://DEST over
# plain http; e.g. --format v2s2 (Docker schema2) or --format oci, --all for an index,
# --dest-creds U:P for a registry with auth.
push_fixture() {
  local src=$1 dest=$2; shift 2
  skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$dest"
}

# manifest_digest REF [SKOPEO-FLAG...]: the digest of the manifest the registry serves for REF
# (a tag). From the raw bytes: skopeo's non-raw inspect of an OCI image fails against
# distribution 2.8 ("accept header does not support OCI manifests").
manifest_digest() {
  local ref=$1; shift
  echo "sha256:$(skopeo inspect --tls-verify=false --raw "$@" "docker://$ref" | sha256sum | cut -d' ' -f1)"
}

# layer_digests REF [SKOPEO-FLAG...]: the layer digests of REF's manifest, one a line.
layer_digests() {
  local ref=$1; shift
  skopeo inspect --tls-verify=false --raw "$@" "docker://$ref" | jq -r '.layers[].digest'
}

# fresh_image DEST [KB]: `three` plus a top layer no other call made (KB KiB of random data in
# /etc/fixture/unique.bin, 4 by default), pushed to DEST as Docker schema2, so a pull of DEST has
# a layer to download whatever was pulled before. Sets FRESH_LAYER (that layer's digest in the
# registry) and FRESH_SHA (sha256 of unique.bin). Needs make_fixtures (FX).
fresh_image() {
  local dest=$1 kb=${2:-4} tag=u$RANDOM$RANDOM d
  d=$FX/layers/$tag
  mkdir -p "$d/etc/fixture"
  head -c "$((kb * 1024))" /dev/urandom > "$d/etc/fixture/unique.bin"
  FRESH_SHA=$(sha256sum < "$d/etc/fixture/unique.bin" | cut -d' ' -f1)
  umoci tag --image "$FX/oci:three" "$tag"
  tar -C "$d" --numeric-owner --owner=0 --group=0 -cf "$d.tar" .
  umoci raw add-layer --image "$FX/oci:$tag" "$d.tar"
  push_fixture "oci:$FX/oci:$tag" "$dest" --format v2s2 "${@:3}"
  FRESH_LAYER=$(layer_digests "$dest" "${@:3}" | tail -n 1)
}

# new_layers_image DEST N KB: busybox plus N layers of KB KiB of random data each, layers no
# other call made, pushed to DEST (schema2). Sets NEW_LAYERS: the N new layers' digests as an
# alternation for a regex, "d1|d2|...".
new_layers_image() {
  local dest=$1 n=$2 kb=$3 tag=n$RANDOM$RANDOM i d dirs=()
  for i in $(seq 1 "$n"); do
    d=$FX/layers/$tag-$i
    mkdir -p "$d/data"
    head -c "$((kb * 1024))" /dev/urandom > "$d/data/layer$i.bin"
    dirs+=("$d")
  done
  add_layers "$FX/oci" "$tag" "$FX/layers/bb" "${dirs[@]}"
  set_config "$FX/oci" "$tag" amd64 ls /data
  push_fixture "oci:$FX/oci:$tag" "$dest" --format v2s2
  NEW_LAYERS=$(layer_digests "$dest" | tail -n "$n" | paste -sd'|')
}
