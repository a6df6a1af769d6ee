#!/usr/bin/env bash
# The README's second command: install what is needed, build, run every test suite
# (GoogleTest units through ctest, bats integration suites), print one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (the tests create real containers)" >&2; exit 1; }
scripts/install-deps.sh || exit 1
scripts/build.sh || exit 1

passed=0; failed=0; skipped=0
log=$(mktemp -d /tmp/berth-test-logs.XXXXXX)

echo "== unit tests (ctest)"
if ctest --test-dir build --output-on-failure -j2 --timeout 600 > "$log/ctest.txt" 2>&1; then :; fi
tail -n 5 "$log/ctest.txt"
# "100% tests passed, 0 tests failed out of 244"
read -r p t < <(grep -oE '[0-9]+ tests failed out of [0-9]+' "$log/ctest.txt" | awk '{print $6-$1, $1}')
passed=$((passed + ${p:-0})); failed=$((failed + ${t:-0}))
if ! grep -q "tests passed" "$log/ctest.txt"; then
  echo "ctest did not run"; failed=$((failed + 1)); cat "$log/ctest.txt" | tail -n 30
fi
grep -E "^\s+[0-9]+ - .*\((Failed|Timeout|Subprocess)" "$log/ctest.txt" || true

echo "== integration tests (bats)"
mapfile -t suites < <(find tests/integration -name '*.bats' | sort)
if [ ${#suites[@]} -gt 0 ]; then
  bats --tap "${suites[@]}" > "$log/bats.txt" 2>&1
  grep -E "^not ok" "$log/bats.txt" || true
  bp=$(grep -cE "^ok .*" "$log/bats.txt" | tr -d ' ')
  bs=$(grep -cE "^ok .* # skip" "$log/bats.txt" | tr -d ' ')
  bf=$(grep -cE "^not ok" "$log/bats.txt" | tr -d ' ')
  passed=$((passed + bp - bs)); skipped=$((skipped + bs)); failed=$((failed + bf))
  echo "bats: $((bp - bs)) passed, $bf failed, $bs skipped (log: $log/bats.txt)"
  if [ "$bf" -gt 0 ]; then
    awk '/^not ok/{p=1} /^ok/{p=0} p' "$log/bats.txt" | head -n 200
  fi
fi

if [ -x scripts/run-fuzzers.sh ]; then
  echo "== fuzzers (bounded)"
  if scripts/run-fuzzers.sh > "$log/fuzz.txt" 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); tail -n 40 "$log/fuzz.txt"; fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
