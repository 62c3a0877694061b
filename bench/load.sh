#!/usr/bin/env bash
# Builds awslab-loadtest and awslab-server (if needed) and runs the load test
# with its default settings (500 connections, 5 minutes, 60 s of warm-up)
# against build/emulator/awslab-server, which it starts itself. The report
# goes to stdout, progress to stderr, the JSON to bench/results/load.json.
# Extra arguments go to awslab-loadtest (see bench/README.md or --help).
# BUILD_DIR picks another build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] ||
   grep -q '^AWSLAB_BUILD_BENCH:BOOL=OFF' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DAWSLAB_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$BUILD_DIR" --target awslab-loadtest awslab-server
mkdir -p bench/results
exec "$BUILD_DIR/bench/awslab-loadtest" --server "$BUILD_DIR/emulator/awslab-server" \
  --json bench/results/load.json "$@"
