# Shared setup for berth-runtime bats tests: every test gets its own state root and bundle,
# and teardown force-deletes whatever containers the test left.
REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
RUNTIME=${BERTH_RUNTIME:-$REPO/build/src/runtime/berth-runtime}
load ../wait_helpers

# A busybox rootfs made once per bats run, copied (hard-linked) into each test's bundle.
busybox_template() {
  local t=$BATS_RUN_TMPDIR/busybox-template
  if [ ! -d "$t/rootfs" ]; then
    "$REPO/scripts/make-busybox-bundle.sh" "$t" >/dev/null
  fi
  echo "$t"
}

setup_bundle() {
  TEST_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/t.XXXXXX")
  ROOT=$TEST_DIR/state
  BUNDLE=$TEST_DIR/bundle
  local t; t=$(busybox_template)
  mkdir -p "$BUNDLE"
  cp -a "$t/rootfs" "$BUNDLE/rootfs"
  cp "$t/config.json" "$BUNDLE/config.json"
  # Each test gets its own cgroup so parallel runs never collide.
  CID=bt$$-$BATS_TEST_NUMBER
  update_config ".linux.cgroupsPath = \"/berth-test/$CID\""
}

# update_config JQ_FILTER: edit the bundle's config.json in place.
update_config() {
  jq "$1" "$BUNDLE/config.json" > "$BUNDLE/config.json.tmp" && mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args (an argument may span lines).
set_args() {
  local args='[]' a
  for a in "$@"; do args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args"); done
  update_config ".process.args = $args"
}

rt() { "$RUNTIME" --root "$ROOT" "$@"; }

teardown_bundle() {
  if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
    for id in $("$RUNTIME" --root "$ROOT" list -q 2>/dev/null); do
      "$RUNTIME" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  rmdir "/sys/fs/cgroup/"*"/berth-test/$CID" 2>/dev/null || true
  # The tests' parent cgroup too, once empty (rmdir refuses one that still has children).
  rmdir "/sys/fs/cgroup/"*"/berth-test" 2>/dev/null || true
  rm -rf "${TEST_DIR:?}"
}

# wait_for_status ID STATUS: poll `state` for up to 30 s.
wait_for_status() {
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    [ "$(rt state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
    sleep 0.01
  done
  echo "container $1 never reached $2 (now: $(rt state "$1" 2>&1))" >&2
  return 1
}

# process_dead PID: true when PID is gone or a zombie (reaping orphans is the host init's job).
process_dead() {
  [ ! -e "/proc/$1" ] && return 0
  [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
  [ ! -e "/proc/$1" ]
}
