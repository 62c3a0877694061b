#!/usr/bin/env bash
# Builds awslab and runs every test (docs/reliability.md):
#  1. build-asan/: the programs and all tests built with AddressSanitizer and
#     UBSan, and the whole ctest suite there: unit tests and the client tests
#     that drive the real awslab-server with the aws CLI, boto3, boto 2, the
#     JavaScript SDK, curl and a headless browser. The million-object word
#     count runs on 50,000 objects there (its sanitized tools would take over
#     20 minutes on a million) ...
#  2. build/: ... and on the full million on the plain build (the one
#     scripts/run.sh makes: only the programs it needs are built here);
#  3. build-tsan/: the server, the CLI and the tests labelled "tsan" (where
#     threads meet), built with ThreadSanitizer, and those tests (TSAN=0
#     skips them);
#  4. each libFuzzer target for FUZZ_SECONDS (default 15; 0 skips them).
# ASAN=0 runs the whole suite on the plain build instead of 1 and 2.
# A report of any sanitizer in any process (the server, the CLI, a test)
# fails the run, whether or not a test noticed: each process writes its
# reports into <build dir>/sanitizer-reports/, printed at the end, and the
# tests' own output is searched for reports too.
#
#   scripts/test.sh               everything
#   scripts/test.sh -L unit       only these tests (ctest arguments), on the
#                                 plain build, and nothing else
# Installs what it needs (apt-get here; npm ci as a ctest fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

# Runs ctest in build dir $1 (further arguments: ctest's) with every
# sanitizer writing to $1/sanitizer-reports/; fails on a failed test or a
# report.
run_ctest() {
  local dir="$1"
  shift
  local root="$PWD"
  local reports="$root/$dir/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  local rc=0
  rm -f "$dir/Testing/Temporary/LastTestsFailed.log"
  # exitcode: a leak or a report at exit fails the process too.
  (cd "$dir" &&
    ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:exitcode=86" \
    LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1" \
    TSAN_OPTIONS="log_path=$reports/tsan:second_deadlock_stack=1:exitcode=86:suppressions=$root/scripts/tsan.supp" \
    ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@") || rc=$?
  # UBSan paired with ASan writes to stderr whatever log_path says.
  if grep -l -E "runtime error:|ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer" \
       "$dir/Testing/Temporary/LastTest.log" >/dev/null 2>&1; then
    echo "!! sanitizer reports in the tests' output ($dir/Testing/Temporary/LastTest.log):"
    grep -n -E "runtime error:|ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer" \
      "$dir/Testing/Temporary/LastTest.log" | head -40
    rc=1
  fi
  if compgen -G "$reports/*" >/dev/null; then
    echo "!! sanitizer reports in $reports:"
    for f in "$reports"/*; do
      echo "== $f"
      head -120 "$f"
    done
    rc=1
  fi
  if [ $rc != 0 ]; then summarize_failures "$dir" >>"$SUMMARY"; fi
  return $rc
}

# What failed in build dir $1, for the summary at the end (CI shows only the
# end of a long log): each failed test's name and the last lines it printed.
summarize_failures() {
  local dir="$1" log="$1/Testing/Temporary/LastTest.log" t
  echo "!! $dir: failed"
  [ -f "$dir/Testing/Temporary/LastTestsFailed.log" ] || return 0
  while IFS=: read -r _ t; do
    echo "== $dir: $t failed; the end of its output:"
    awk -v t="$t" '
      index($0, " Test: " t) && substr($0, length($0) - length(t) + 1) == t { on = 1; next }
      on && $0 == "<end of output>" { exit }
      on' "$log" 2>/dev/null | tail -40
  done <"$dir/Testing/Temporary/LastTestsFailed.log"
}
SUMMARY=$(mktemp)
trap 'rm -f "$SUMMARY"' EXIT

status=0

# Arguments: those tests on the plain build, nothing else.
if [ $# -gt 0 ]; then
  scripts/build.sh
  run_ctest build "$@" || status=1
  cat "$SUMMARY"
  exit $status
fi

if [ "${ASAN:-1}" != 0 ]; then
  # 1. The whole suite under AddressSanitizer and UBSan.
  BUILD_DIR=build-asan scripts/build.sh -DAWSLAB_SANITIZE=address,undefined
  AWSLAB_WORDCOUNT_OBJECTS=50000 run_ctest build-asan || status=1
  # 2. The million objects on the plain build.
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j "$(nproc)" --target awslab-server awslab awslab-corpus
  run_ctest build -R '^clients_wordcount_million$' || status=1
else
  scripts/build.sh
  run_ctest build || status=1
fi

# 3. ThreadSanitizer: the tests labelled tsan.
if [ "${TSAN:-1}" != 0 ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSLAB_SANITIZE=thread \
    >/dev/null
  cmake --build build-tsan -j "$(nproc)" --target tsan_suite
  run_ctest build-tsan -L tsan || status=1
fi

# 4. The fuzzers.
if [ "${FUZZ_SECONDS:-15}" != 0 ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-15}" scripts/fuzz.sh || { status=1; echo "!! fuzzers: failed" >>"$SUMMARY"; }
fi
if [ -s "$SUMMARY" ]; then
  echo "================ what failed"
  cat "$SUMMARY"
fi
exit $status
