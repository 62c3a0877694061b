#!/usr/bin/env bash
# Builds awslab and runs every test (docs/reliability.md):
#  1. build/: the programs and all tests (RelWithDebInfo), and the whole
#     ctest suite: unit tests and the client tests that drive the real
#     awslab-server with the aws CLI, boto3, boto 2, the JavaScript SDK, curl
#     and a headless browser;
#  2. build-tsan/: the server, the CLI and the tests labelled "tsan" (where
#     threads meet), built with ThreadSanitizer, and those tests (TSAN=0
#     skips them);
#  3. each libFuzzer target for FUZZ_SECONDS (default 20; 0 skips them).
# ASAN=1 adds, before 2, build-asan/: everything built with AddressSanitizer
# and UBSan, and the whole suite again (about 35 minutes more on 2 cores: not
# in CI yet; docs/reliability.md says why and what it has found).
# A report of any sanitizer in any process (the server, the CLI, a test)
# fails the run, whether or not a test noticed: each process writes its
# reports into <build dir>/sanitizer-reports/, printed at the end, and the
# tests' own output is searched for reports too.
#
#   scripts/test.sh               everything
#   scripts/test.sh -L unit       only these tests (ctest arguments), in step 1
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
  return $rc
}

status=0

# 1. The whole suite on the build that scripts/run.sh makes too.
scripts/build.sh
run_ctest build "$@" || status=1
[ $# -eq 0 ] || exit $status

if [ "${ASAN:-0}" != 0 ]; then
  BUILD_DIR=build-asan scripts/build.sh -DAWSLAB_SANITIZE=address,undefined
  run_ctest build-asan || status=1
fi

# 2. ThreadSanitizer: the tests labelled tsan.
if [ "${TSAN:-1}" != 0 ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSLAB_SANITIZE=thread \
    >/dev/null
  cmake --build build-tsan -j "$(nproc)" --target tsan_suite
  run_ctest build-tsan -L tsan || status=1
fi

# 3. The fuzzers.
if [ "${FUZZ_SECONDS:-20}" != 0 ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-20}" scripts/fuzz.sh || status=1
fi
exit $status
