#!/usr/bin/env bash
# Builds awslab and runs every test: unit tests and the client tests that
# drive the real awslab-server with the aws CLI, boto3, the JavaScript SDK
# and curl. Installs what it needs (apt-get here; npm ci as a ctest fixture).
# Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
