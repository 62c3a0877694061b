#!/usr/bin/env bash
# Builds awslab and runs every test: unit tests and the client tests that
# drive the real awslab-server with the aws CLI, boto3, the JavaScript SDK,
# curl and a headless browser; then each libFuzzer target for a bounded time
# (FUZZ_SECONDS each, default 20; 0 skips fuzzing, as do ctest arguments that
# pick tests). Installs what it needs (apt-get here; npm ci as a ctest fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@")
if [ $# -eq 0 ] && [ "${FUZZ_SECONDS:-20}" != 0 ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-20}" scripts/fuzz.sh
fi
