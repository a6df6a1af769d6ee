# Cross-check helpers: the same busybox bundle runs under runc (the reference) and under
# berth-runtime, and the test diffs what each container printed.
#
# Each runtime gets its own copy of the bundle (a runtime may create mount points or device
# nodes in the rootfs), its own --root, its own container id and its own cgroupsPath, so
# runs never collide; teardown force-deletes both containers and removes both cgroups.
#
# Known berth divergences are marked with `xc_known_bug "..."`: the test is skipped unless
# XC_KNOWN_BUGS=1 is set, so whoever fixes the bug can run it.
REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
RUNTIME=${BERTH_RUNTIME:-$REPO/build/src/runtime/berth-runtime}
RUNC=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
XC_RUNTIMES=(runc berth)

# A busybox bundle made once per bats run and copied into each test's two bundles.
xc_template() {
  local t=$BATS_RUN_TMPDIR/xc-busybox-template
  if [ ! -d "$t/rootfs" ]; then
    "$REPO/scripts/make-busybox-bundle.sh" "$t" >/dev/null
  fi
  echo "$t"
}

xc_setup() {
  [ -x "$RUNC" ] || skip "runc is not installed"
  [ -x "$RUNTIME" ] || skip "berth-runtime is not built ($RUNTIME)"
  # Not under $BATS_TEST_TMPDIR: bats makes that 0700, and a container whose root is mapped
  # to an unprivileged host uid must be able to reach its rootfs.
  XC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/berth-xc.XXXXXX")
  chmod 755 "$XC_DIR"
  XC_FILTER="."
  local t rt
  t=$(xc_template)
  for rt in "${XC_RUNTIMES[@]}"; do
    mkdir -p "$XC_DIR/$rt/bundle" "$XC_DIR/$rt/state"
    cp -a "$t/rootfs" "$XC_DIR/$rt/bundle/rootfs"
  done
  cp "$t/config.json" "$XC_DIR/base.json"
}

xc_id() { echo "xc$$-$BATS_TEST_NUMBER-$1"; }

# xc_rt RT ARGS...: run runtime RT (runc or berth) against its own state root.
xc_rt() {
  xc_cmd "$1"; shift
  "${XC_CMD[@]}" "$@"
}

xc_teardown() {
  [ -n "${XC_DIR:-}" ] || return 0
  local rt id c
  for rt in "${XC_RUNTIMES[@]}"; do
    id=$(xc_id "$rt")
    xc_rt "$rt" delete --force "$id" >/dev/null 2>&1 || true
    for c in /sys/fs/cgroup/*/berth-xc/"$id"; do
      [ -d "$c" ] && rmdir "$c" 2>/dev/null
    done
  done
  # The shared parent goes when the last test using it is done; another run may still hold it.
  rmdir /sys/fs/cgroup/*/berth-xc 2>/dev/null || true
  rm -rf "${XC_DIR:?}"
}

# xc_config JQ_FILTER: a config.json edit applied to both bundles.
xc_config() { XC_FILTER="$XC_FILTER | $1"; }

# xc_add_file PATH MODE CONTENT: the same file in both rootfs copies.
xc_add_file() {
  local rt f
  for rt in "${XC_RUNTIMES[@]}"; do
    f=$XC_DIR/$rt/bundle/rootfs$1
    mkdir -p "$(dirname "$f")"
    printf '%s' "$3" > "$f"
    chmod "$2" "$f"
  done
}

# Write RT's config.json: the base, the process args, its own cgroup, then the test's edits.
xc_write_config() {
  local rt=$1; shift
  # One --arg per argument: arguments may hold newlines, and may look like jq options.
  local args='[]' a
  for a in "$@"; do args=$(jq -c --arg a "$a" '. + [$a]' <<< "$args"); done
  jq --argjson args "$args" --arg cg "/berth-xc/$(xc_id "$rt")" \
    ".process.args = \$args | .linux.cgroupsPath = \$cg | $XC_FILTER" \
    "$XC_DIR/base.json" > "$XC_DIR/$rt/bundle/config.json"
}

# xc_cmd RT: the command line of runtime RT with its state root, as an array in XC_CMD.
xc_cmd() {
  if [ "$1" = runc ]; then XC_CMD=("$RUNC" --root "$XC_DIR/runc/state"); else XC_CMD=("$RUNTIME" --root "$XC_DIR/berth/state"); fi
}

# xc_run ARGS...: run ARGS in a container under each runtime, one after the other. The
# container's stdout and stderr go to $XC_DIR/RT.out, followed by a line "exit: N" with the
# status of `run`. runc relays a foreground container's stdout and stderr through two pipes
# copied by two goroutines, so their relative order is not kept: a probe that writes both
# should merge them inside the container (`exec 2>&1`).
xc_run() {
  local rt code
  for rt in "${XC_RUNTIMES[@]}"; do
    xc_write_config "$rt" "$@"
    xc_cmd "$rt"
    code=0
    (cd "$XC_DIR/$rt/bundle" && exec timeout 60 "${XC_CMD[@]}" run "$(xc_id "$rt")") \
      > "$XC_DIR/$rt.out" 2>&1 < /dev/null 3>&- || code=$?
    echo "exit: $code" >> "$XC_DIR/$rt.out"
  done
}

# xc_compare [NORMALISER...]: pipe both outputs through NORMALISER (a command reading stdin;
# default cat), then diff them. On a difference the test fails showing the diff and both raw
# outputs.
xc_compare() {
  local norm=("$@")
  [ ${#norm[@]} -gt 0 ] || norm=(cat)
  "${norm[@]}" < "$XC_DIR/runc.out" > "$XC_DIR/runc.norm"
  "${norm[@]}" < "$XC_DIR/berth.out" > "$XC_DIR/berth.norm"
  if ! diff -u --label runc --label berth-runtime "$XC_DIR/runc.norm" "$XC_DIR/berth.norm" > "$XC_DIR/diff"; then
    echo "# runc and berth-runtime differ (after normalising with: ${norm[*]}):"
    cat "$XC_DIR/diff"
    echo "# raw runc output:"
    cat "$XC_DIR/runc.out"
    echo "# raw berth-runtime output:"
    cat "$XC_DIR/berth.out"
    return 1
  fi
  # XC_SHOW=1 prints what was compared, to see what a passing probe actually checked.
  if [ "${XC_SHOW:-0}" = 1 ]; then sed "s/^/# [$BATS_TEST_NUMBER] /" "$XC_DIR/runc.norm" >&3; fi
  # Both runs must have produced something: a probe that printed nothing proves nothing.
  [ -s "$XC_DIR/runc.norm" ] || { echo "# empty output"; return 1; }
}

# xc_expect_exit N: both `run`s ended with status N (checked after xc_compare).
xc_expect_exit() {
  grep -qx "exit: $1" "$XC_DIR/runc.out" || { echo "# runc: $(tail -n1 "$XC_DIR/runc.out"), expected $1"; return 1; }
  grep -qx "exit: $1" "$XC_DIR/berth.out" || { echo "# berth: $(tail -n1 "$XC_DIR/berth.out"), expected $1"; return 1; }
}

xc_known_bug() {
  [ "${XC_KNOWN_BUGS:-0}" = 1 ] || skip "berth bug: $1"
}

# --- normalisers -----------------------------------------------------------------------

# mountinfo -> "mount-point fstype source root-in-fs per-mount-flags super-options", sorted by
# mount point (stable, so stacked mounts keep their order).
#  - Mount ids, parent ids and device numbers are dropped: they are allocation order, and
#    runc's init mounts a few things the container never sees before berth would.
#  - Per-mount options keep only what changes behaviour: ro/rw, nosuid, nodev, noexec.
#    (relatime/strictatime are atime policy; both runtimes pass the config's through.)
#  - The root of the rootfs bind (and of binds inside it) is the host path of each runtime's
#    own bundle copy.
#  - Order: runc creates the default device binds in user namespaces as null, random, full,
#    tty, zero, urandom; berth as null, zero, full, random, urandom, tty. Device binds are
#    siblings on distinct mount points, so their order cannot change what is visible.
xc_norm_mountinfo() {
  awk '
    / - / {
      split($0, halves, / - /)
      n = split(halves[1], pre, " ")
      split(halves[2], post, " ")
      root = pre[4]; mp = pre[5]
      if (mp == "/") root = "<rootfs>"
      m = split(pre[6], o, ",")
      flags = ""
      for (i = 1; i <= m; i++)
        if (o[i] ~ /^(ro|rw|nosuid|nodev|noexec)$/) flags = flags (flags == "" ? "" : ",") o[i]
      print mp, post[1], post[2], root, flags, post[3]
      next
    }
    { print }
  ' | sed -E 's#/(runc|berth)/bundle/rootfs#/<runtime>/bundle/rootfs#' | sort -s -k1,1
}

# ls -l style lines: drop the date and time columns (they are the minute each runtime
# created the node, which can straddle a minute boundary).
xc_norm_ls() {
  sed -E 's/ [A-Z][a-z]{2} +[0-9]{1,2} +([0-9]{2}:[0-9]{2}|[0-9]{4}) / <date> /'
}
