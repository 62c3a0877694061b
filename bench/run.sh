#!/usr/bin/env bash
# Builds s3bench and awslab-server (if needed) and runs s3bench with its
# default settings against build/emulator/awslab-server, which it starts
# itself. The report goes to stdout, the JSON to bench/results/latest.json.
# Extra arguments go to s3bench (see bench/README.md or s3bench --help).
# BUILD_DIR picks another build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] ||
   grep -q '^AWSLAB_BUILD_BENCH:BOOL=OFF' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DAWSLAB_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$BUILD_DIR" --target s3bench awslab-server
mkdir -p bench/results
exec "$BUILD_DIR/bench/s3bench" --server "$BUILD_DIR/emulator/awslab-server" \
  --json bench/results/latest.json "$@"
