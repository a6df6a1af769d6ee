#!/usr/bin/env bash
# make-busybox-bundle.sh DIR [ARGS...]: an OCI bundle in DIR whose rootfs is Debian's
# busybox-static with its applet links; config.json from `berth-runtime spec`, without a
# terminal, running ARGS (default: sh).
set -euo pipefail
dir=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
runtime=${BERTH_RUNTIME:-$here/build/src/runtime/berth-runtime}
rootfs=$dir/rootfs
mkdir -p "$rootfs"/{bin,dev,proc,sys,etc,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
rm -f "$dir/config.json"
(cd "$dir" && "$runtime" spec)
args='["sh"]'
if [ $# -gt 0 ]; then args=$(printf '%s\n' "$@" | jq -R . | jq -s .); fi
jq --argjson args "$args" '.process.terminal = false | .process.args = $args' "$dir/config.json" > "$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"
