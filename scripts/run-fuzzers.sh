#!/bin/sh
# Builds the libFuzzer targets with clang (ASan) and runs each for a bounded time.
#   scripts/run-fuzzers.sh [SECONDS_PER_TARGET]      (default 20; FUZZ_SECONDS also works)
# Three targets: about a minute of fuzzing plus an incremental build, so CI stays near 2 minutes.
# Exits non-zero when a target finds a crash; the reproducer is left in the work dir.
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-${FUZZ_SECONDS:-20}}"
build="${BERTH_FUZZ_BUILD:-$top/build-fuzz}"

cmake -S "$top" -B "$build" -G Ninja -DBERTH_FUZZ=ON -DBERTH_TESTS=OFF \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -j"${JOBS:-1}" -C "$build" fuzz_layer_apply fuzz_manifest fuzz_config

work="$(mktemp -d /tmp/berth-fuzz.XXXXXX)"
status=0
for target in layer_apply manifest config; do
    corpus="$work/corpus-$target"
    mkdir -p "$corpus"
    [ -d "$top/fuzz/corpus/$target" ] && cp "$top/fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null || true
    if [ "$target" = layer_apply ]; then
        # Seeds: a small real layer (first byte picks the whiteout mode), plain and gzip.
        src="$work/seed-src"
        mkdir -p "$src/etc" "$src/d"
        echo x > "$src/etc/f"; ln -s f "$src/etc/l"; ln "$src/etc/f" "$src/etc/h"; : > "$src/d/.wh..wh..opq"; : > "$src/.wh.gone"
        { printf '\000'; tar -C "$src" -cf - .; } > "$corpus/seed-flatten"
        { printf '\001'; tar -C "$src" -czf - .; } > "$corpus/seed-overlay-gz"
    fi
    echo "== fuzz_$target for ${seconds}s"
    if ! (cd "$work" && "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
            -print_final_stats=1 "$corpus" >"$work/$target.log" 2>&1); then
        echo "fuzz_$target FAILED; log and reproducer in $work" >&2
        tail -40 "$work/$target.log" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units|^Done' "$work/$target.log" || true
    fi
done
[ "$status" -eq 0 ] && rm -rf "$work"
exit "$status"
