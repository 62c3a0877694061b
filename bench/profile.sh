#!/usr/bin/env bash
# bench/profile.sh: where awslab-server spends its CPU under the small-object
# workload. s3bench starts the server and, during each small run (4 KiB PUT,
# then GET, at 64 connections), records it with
# `perf record -F 499 --call-graph dwarf -p PID` (s3bench --perf DIR).
# Prints, for PUT and for GET: CPU by binary, the top functions by self time,
# and the server's own functions (and LevelDB, OpenSSL, syscalls) by
# inclusive time. Also writes that text to bench/results/profile.txt.
#
#   bench/profile.sh [DURATION_S]     default 5
# Environment: BUILD_DIR (default build-bench), PERF_DIR (default: a temp dir,
# removed afterwards). Needs linux-perf (apt-get install linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-5}
BUILD_DIR=${BUILD_DIR:-build-bench}
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (linux-perf)" >&2; exit 1; }
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAWSLAB_BUILD_TESTS=OFF -DAWSLAB_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$BUILD_DIR" --target s3bench awslab-server >/dev/null
if [ -n "${PERF_DIR:-}" ]; then
  DIR=$PERF_DIR; mkdir -p "$DIR"
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/awslab-profile-XXXXXX"); trap 'rm -rf "$DIR"' EXIT
fi
OUT=bench/results/profile.txt
mkdir -p bench/results
"$BUILD_DIR/bench/s3bench" --server "$BUILD_DIR/emulator/awslab-server" --phases small \
  --concurrency 64 --duration "$DURATION" --perf "$DIR" --work-dir "$DIR" \
  >"$DIR/s3bench.txt" 2>"$DIR/s3bench.err" || true

set +o pipefail  # `head` closes the pipes early
# Names without their parameter lists; "(anonymous namespace)" kept short.
clean() { sed -E 's/\(anonymous namespace\)/{anon}/g; s/\(.*//; s/ +$//' | cut -c1-120; }
{
  echo "# awslab-server profile, $(date -u +%FT%TZ), $(nproc) cores, $DURATION s per run"
  grep -A3 "op   conns" "$DIR/s3bench.txt" | head -3
  for op in PUT GET; do
    f=$DIR/$op-64.data
    [ -f "$f" ] || { echo "no profile for $op"; continue; }
    echo
    echo "## $op x64: $(perf report -i "$f" --stdio 2>/dev/null | sed -n 's/^# Samples: //p' | head -1) samples"
    echo "### by binary (self)"
    perf report -i "$f" --no-children -g none --sort dso --stdio 2>/dev/null | grep '%' | head -8
    echo "### top functions (self)"
    perf report -i "$f" --no-children -g none --sort symbol --stdio 2>/dev/null | grep '%' |
      clean | head -20
    echo "### the server's work (inclusive: the function and what it calls)"
    perf report -i "$f" --children -g none --sort symbol --stdio 2>/dev/null | grep '%' |
      clean | grep -E 'awslab::|leveldb::|MD5_Update|SHA256_Update|sha256_block|md5_block|HMAC|EVP_Digest|snappy::|\] malloc$|\] _int_free$|__x64_sys_|\] epoll_wait' |
      grep -v 'Server::Run$' | head -40
  done
} | tee "$OUT"
