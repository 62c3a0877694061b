#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and
# UBSan into build-fuzz/, and runs each for FUZZ_SECONDS (default 30) from its
# seed corpus in fixtures/fuzz/<target>/. A crash, leak or sanitizer report
# fails the run; the input that caused it is saved as
# build-fuzz/crashes/<target>/crash-* (add it to fixtures/fuzz/<target>/ once
# fixed: it then replays in every test run). New inputs that reach new code
# go to build-fuzz/corpus/<target>/, not into the tree.
#
#   scripts/fuzz.sh                 every target
#   scripts/fuzz.sh aws_chunked     one target
#   FUZZ_SECONDS=600 scripts/fuzz.sh s3_xml
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-30}"

scripts/deps.sh fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAWSLAB_FUZZ=ON -DAWSLAB_STATIC_DEPS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target fuzzers

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$BUILD_DIR"/tests/fuzz/fuzz_*; do targets+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
fi

failed=()
for t in "${targets[@]}"; do
  bin="$BUILD_DIR/tests/fuzz/fuzz_$t"
  seeds="fixtures/fuzz/$t"
  corpus="$BUILD_DIR/corpus/$t"
  crashes="$BUILD_DIR/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  echo "== fuzz_$t: ${SECONDS_EACH}s from $seeds"
  if ! "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$corpus" "$seeds" 2>"$BUILD_DIR/fuzz_$t.log"; then
    failed+=("$t")
    tail -60 "$BUILD_DIR/fuzz_$t.log"
    echo "!! fuzz_$t failed: the input is in $crashes/"
  else
    grep -E "stat::number_of_executed_units|cov:" "$BUILD_DIR/fuzz_$t.log" | tail -2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${SECONDS_EACH}s each with no report"
