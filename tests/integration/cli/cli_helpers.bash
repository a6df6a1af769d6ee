# The berth CLI under test, and a berthd of our own from the daemon tests' helpers.
load ../daemon/helpers

# The newest build of berth among the build directories (a stale one may linger in another).
if [ -z "${BERTH:-}" ]; then
  BERTH=$(ls -t "$REPO"/build*/src/cli/berth 2>/dev/null | head -n 1)
fi

require_berth() {
  [ -n "${BERTH:-}" ] && [ -x "$BERTH" ] || skip "berth binary not built (set BERTH or build target berth)"
}

require_berthd() {
  require_berth
  [ -n "${BERTHD:-}" ] && [ -x "$BERTHD" ] || skip "berthd binary not built (set BERTHD or build target berthd)"
  start_berthd
}

# b ARG...: berth against our daemon.
b() { "$BERTH" -H "unix://$SOCK" "$@"; }
