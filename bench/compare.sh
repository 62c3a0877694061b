#!/usr/bin/env bash
# bench/compare.sh: awslab-server side by side with its peers, in one run, on
# the same machine and the same workload, with the figures and the ratios the
# performance targets ask for. See bench/README.md ("Comparison with peers").
#
#   bench/compare.sh            full run (about 8 minutes on 2 cores)
#   bench/compare.sh --quick    short run (about 2 minutes): 1 s runs, 64
#                               connections only, 256 MiB big objects
#
# Order: dd; every server's start-up; awslab on a million objects; then the
# load, nginx first (it also checks the load generator with wrk), awslab,
# s3rver, moto; then nginx and awslab again in rounds (4 KiB at 64
# connections). Every server is started by s3bench on 127.0.0.1 and stopped
# by its PID. Each run's data dirs are deleted by this script, which then
# syncs and, after a deletion of more than 10,000 files, drops the clean
# caches (as root; otherwise it waits 65 s): ext4 without a journal (as on
# the machines this was written on) will not reuse an inode deleted in the
# last 60 s (360 s while its inode table block is dirty) if that block is
# still cached, and skipping hundreds of thousands of them makes every file
# creation slow: 20,000 creations took 11.2 s after 150,000 files were
# deleted and synced, 2.9 s 65 s later, 1.6 s after drop_caches; nginx's PUT
# (a file each) fell to a sixth. A run stopped by a signal deletes its work
# dir on exit without this: leave a few minutes before the next.
# Targets are only reported: a missed target does not fail the script (it
# fails on a broken set-up or a failed run).
#
# Writes bench/results/compare.json and bench/results/compare.md (or --out
# FILE.json, with FILE.md beside it). Environment: BUILD_DIR (default
# build-bench), WORK_DIR (default: a fresh dir under $TMPDIR or /tmp, removed
# afterwards), QUIET_WAIT (seconds to wait in all for an idle machine before
# the runs, default 120), ROUNDS_OVERRIDE (the number of extra nginx/awslab
# rounds of 4 KiB requests; default 2, 0 with --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

COMMAND="bench/compare.sh${*:+ $*}"
QUICK=0
OUT=bench/results/compare.json
INSTALL=1
PEERS="nginx,awslab,s3rver,moto"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --out) OUT=$2; shift ;;
    --out=*) OUT=${1#--out=} ;;
    --no-install) INSTALL=0 ;;
    --peers) PEERS=$2; shift ;;
    --peers=*) PEERS=${1#--peers=} ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
MD=${OUT%.json}.md
BUILD_DIR=${BUILD_DIR:-build-bench}
QUIET_WAIT=${QUIET_WAIT:-120}
has_peer() { case ",$PEERS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
log() { echo "compare.sh: $*" >&2; }

if [ "$QUICK" = 1 ]; then
  DURATION=1; CONC=64; BIG=256M; STARTUP_RUNS=3; LIST_RUNS=3; DD_MIB=256; ROUNDS=0
else
  DURATION=5; CONC=1,16,64; BIG=1G; STARTUP_RUNS=10; LIST_RUNS=5; DD_MIB=1024; ROUNDS=2
fi
ROUNDS=${ROUNDS_OVERRIDE:-$ROUNDS}
TOP_CONC=${CONC##*,}
SEED_KEYS=1000000

# ------------------------------------------------------------------ install
# Only what is missing, and only from Debian's packages and npm.
if [ "$INSTALL" = 1 ]; then
  missing=()
  has_peer nginx && ! command -v nginx >/dev/null && missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v node >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if has_peer s3rver; then
    log "npm ci in bench/peers"
    (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi

# -------------------------------------------------------------------- build
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] ||
   grep -q '^AWSLAB_BUILD_BENCH:BOOL=OFF' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAWSLAB_BUILD_TESTS=OFF -DAWSLAB_BUILD_BENCH=ON >/dev/null
fi
log "building s3bench, awslab-seed and awslab-server in $BUILD_DIR"
cmake --build "$BUILD_DIR" --target s3bench awslab-seed awslab-server >/dev/null
S3BENCH=$ROOT/$BUILD_DIR/bench/s3bench
SEED=$ROOT/$BUILD_DIR/bench/awslab-seed
SERVER=$ROOT/$BUILD_DIR/emulator/awslab-server

# ----------------------------------------------------------------- work dir
if [ -n "${WORK_DIR:-}" ]; then
  WORK=$WORK_DIR; mkdir -p "$WORK"; KEEP_WORK=1
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/awslab-compare-XXXXXX"); KEEP_WORK=0
fi
CHILD=""
cleanup() {
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    kill -TERM "$CHILD" 2>/dev/null || true  # s3bench stops its server by PID
    wait "$CHILD" 2>/dev/null || true
  fi
  # Each finished run's dir went with remove_settled: what is left is the
  # reports (and, after a signal, the run that was stopped).
  if [ "$KEEP_WORK" = 0 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "work dir $WORK"

# Runs one s3bench in the background (so that a signal can stop it by PID)
# and waits. s3bench's exit code 3 (a problem it reported) is kept in the
# JSON and is not fatal here; 1 and 2 are.
RUNS_FAILED=0
# Deletes DIR and syncs. After a deletion of more than 10,000 files, ext4
# must forget them (see the top): as root, the now clean inode table blocks
# are dropped from the cache (drop_caches), and ext4 takes an inode whose
# block is not cached as written out; otherwise this waits 65 s.
remove_settled() {
  local dir=$1 files
  files=$(find "$dir" 2>/dev/null | wc -l)
  rm -rf "$dir"
  sync
  if [ "$files" -gt 10000 ]; then
    if { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
      log "deleted $files files: dropped the clean caches, so that ext4 reuses their inodes"
    else
      log "deleted $files files: waiting 65 s for ext4 to reuse their inodes"
      sleep 65
    fi
  fi
}
run_s3bench() {
  local name=$1; shift
  # Flush what earlier runs left dirty (a 1 GiB object, dd): writeback in the
  # background would slow every fsync, and so a start-up, of the next run.
  sync
  log "s3bench: $name"
  # Its own dir, which s3bench leaves in place (--keep-server-dir) for
  # remove_settled.
  mkdir -p "$WORK/$name.d"
  "$S3BENCH" --work-dir "$WORK/$name.d" --keep-server-dir --json "$WORK/$name.json" "$@" \
    >"$WORK/$name.txt" 2>"$WORK/$name.err" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  remove_settled "$WORK/$name.d"
  echo "$rc" >"$WORK/$name.rc"
  if [ "$rc" != 0 ]; then
    log "s3bench $name ended with $rc:"; tail -5 "$WORK/$name.err" >&2
    [ "$rc" = 3 ] || RUNS_FAILED=1
  fi
}

# Waits for a machine that is less than 17% busy (a third of a core) over
# 2 s, at most QUIET_WAIT s over the whole run; records what it saw.
busy_share() {  # busy fraction of the whole machine over 2 s
  local a1 a2 a3 a4 a5 a6 a7 a8 b1 b2 b3 b4 b5 b6 b7 b8
  read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
  sleep 2
  read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
  local busy=$(( (b1+b2+b3+b6+b7+b8) - (a1+a2+a3+a6+a7+a8) ))
  local all=$(( busy + (b4+b5) - (a4+a5) ))
  awk "BEGIN{printf \"%.3f\", ($all > 0 ? $busy / $all : 0)}"
}
QUIET_LEFT=$QUIET_WAIT  # a budget for the whole run, not per peer
wait_quiet() {
  local waited=0 share
  while :; do
    share=$(busy_share)
    if awk "BEGIN{exit !($share < 0.17)}" || [ "$QUIET_LEFT" -le 0 ]; then break; fi
    log "machine busy ($share of all cores): waiting (${QUIET_LEFT} s left)"
    waited=$((waited + 2)); QUIET_LEFT=$((QUIET_LEFT - 2))
  done
  echo "$1 $share $waited" >>"$WORK/quiet.txt"
}

# ------------------------------------------------------------------ peers
COMMON=(--duration "$DURATION" --concurrency "$CONC" --big-size "$BIG"
        --startup-runs "$STARTUP_RUNS" --list-runs "$LIST_RUNS")

# dd: the disk's write rate, on the filesystem of the data dirs.
dd_rate() {  # prints bytes/s
  local out
  out=$(LC_ALL=C dd if=/dev/zero of="$WORK/dd.bin" bs=1M count="$DD_MIB" "$@" 2>&1 | tail -1)
  rm -f "$WORK/dd.bin"
  # "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.234 s, 870 MB/s"
  awk -v line="$out" 'BEGIN{split(line, w, " "); for (i in w) if (w[i] == "s,") s = w[i-1];
                       printf "%.0f", w[1] / s}'
}
wait_quiet dd
log "dd: $DD_MIB MiB with conv=fdatasync, then without"
DD_SYNC=$(dd_rate conv=fdatasync)
DD_NOSYNC=$(dd_rate)
sync
printf '{"mib": %s, "fdatasync_bytes_per_s": %s, "no_sync_bytes_per_s": %s, "dir": "%s"}\n' \
  "$DD_MIB" "$DD_SYNC" "$DD_NOSYNC" "$WORK" >"$WORK/dd.json"

# Each peer's s3bench arguments; a peer that is not here gets an "absent"
# file instead of results.
declare -A ARGS
if has_peer nginx; then
  if command -v nginx >/dev/null; then
    { if [ "$(id -u)" = 0 ]; then echo "user root;"; fi; cat bench/peers/nginx.conf; } \
      >"$WORK/nginx.conf"
    ARGS[nginx]="--plain --server-file $WORK/nginx.conf"
    CMD_nginx="$(command -v nginx) -p {dir}/ -c {dir}/nginx.conf -e stderr"
  else
    echo '{"absent": "nginx is not installed"}' >"$WORK/nginx-main.json"
  fi
fi
if has_peer awslab; then
  ARGS[awslab]="--server $SERVER"
fi
if has_peer s3rver; then
  S3RVER_JS=bench/peers/node_modules/s3rver/bin/s3rver.js
  if [ -f "$S3RVER_JS" ] && command -v node >/dev/null; then
    ARGS[s3rver]="--access-key S3RVER --secret-key S3RVER"
    # s3rver 3.7 makes continuation tokens with DES, which OpenSSL 3 only
    # has in its legacy provider.
    CMD_s3rver="$(command -v node) --openssl-legacy-provider $ROOT/$S3RVER_JS -d {data} -a 127.0.0.1 -p {port} -s"
  else
    echo '{"absent": "bench/peers/node_modules/s3rver is not installed (npm ci)"}' \
      >"$WORK/s3rver-main.json"
  fi
fi
if has_peer moto; then
  # Not in Debian 12 and not on npm: only where it is already on PATH. A
  # pyenv shim is resolved to the real script (the shim adds ~100 ms).
  MOTO=$(command -v moto_server || true)
  if [ -n "$MOTO" ] && command -v pyenv >/dev/null && [[ "$MOTO" == */shims/* ]]; then
    MOTO=$(pyenv which moto_server 2>/dev/null || true)
  fi
  if [ -n "$MOTO" ] && "$MOTO" --help >/dev/null 2>&1; then
    ARGS[moto]=""
    CMD_moto="$MOTO -H 127.0.0.1 -p {port}"
  else
    log "moto_server: not present"
    MOTO=""
    echo '{"absent": "moto_server is not on PATH (not in Debian 12; PyPI unreachable)"}' \
      >"$WORK/moto-main.json"
  fi
fi
peers_here() {
  local p
  for p in nginx awslab s3rver moto; do if [ -n "${ARGS[$p]+x}" ]; then echo "$p"; fi; done
}
bench_peer() {  # NAME PEER ARG...: s3bench against PEER
  local name=$1 peer=$2; shift 2
  local -a a
  read -r -a a <<<"${ARGS[$peer]}"
  local cmd_var="CMD_$peer"
  if [ -n "${!cmd_var:-}" ]; then a+=(--server-cmd "${!cmd_var}"); fi
  run_s3bench "$name" "${a[@]}" "${COMMON[@]}" "$@"
}

# 1. Start-up, every server first: later runs create and delete hundreds of
#    thousands of files in the work dir, after which ext4 allocates new
#    inodes there slowly (it skips recently deleted ones): a start-up that
#    creates its data dir then takes 2-3x as long, nginx's as well.
wait_quiet startup
for p in $(peers_here); do bench_peer "$p-startup" "$p" --phases startup; done

# 2. awslab on a million objects (start-up, idle memory, one page), also
#    before the file churn.
if [ -n "${ARGS[awslab]+x}" ]; then
  log "awslab-seed: $SEED_KEYS keys"
  "$SEED" --data-dir "$WORK/seeded" --keys "$SEED_KEYS" >"$WORK/seed.txt" 2>"$WORK/seed.err"
  sync
  bench_peer awslab-seeded awslab --phases seeded --seeded-dir "$WORK/seeded" \
    --seeded-keys "$SEED_KEYS"
  remove_settled "$WORK/seeded"
fi

# 3. The load: nginx first (it checks the load generator with wrk too), and
#    every big object on a fresh server.
for p in $(peers_here); do
  wait_quiet "$p"
  # Each server's data dir is deleted after its runs, and the deletion
  # settled (remove_settled). Keeping every dir until the end was tried instead,
  # and was worse for awslab in both runs (bench/README.md, "Results of the
  # comparison").
  case $p in
    nginx) bench_peer "$p-main" "$p" --phases idle,small,wrk ;;
    *) bench_peer "$p-main" "$p" --phases idle,small,wrk,list ;;
  esac
  bench_peer "$p-big" "$p" --phases big
done

# 4. Rounds: nginx and awslab again, one after the other (nginx first in odd
#    rounds, awslab in even ones), each on a fresh server, 4 KiB PUTs and
#    GETs at the top concurrency only. With the main runs they give
#    ROUNDS + 1 pairs taken minutes apart, and the report decides the PUT and
#    CPU targets on the median pair: this machine's rates drift 10-15% over
#    minutes, and a single pair once missed by that much.
if [ -n "${ARGS[nginx]+x}" ] && [ -n "${ARGS[awslab]+x}" ]; then
  for r in $(seq 1 "$ROUNDS"); do
    # Alternate which goes first, so that neither always follows the other.
    order="nginx awslab"
    if [ $((r % 2)) = 0 ]; then order="awslab nginx"; fi
    for p in $order; do
      wait_quiet "$p-round$r"
      bench_peer "$p-round$r" "$p" --phases small --concurrency "$TOP_CONC"
    done
  done
fi

# ----------------------------------------------------------------- versions
{
  echo "nginx=$(nginx -v 2>&1 | sed 's/^nginx version: //' || true)"
  echo "wrk=$(wrk -v 2>&1 | head -1 || true)"
  echo "node=$(node --version 2>/dev/null || true)"
  echo "s3rver=$(sed -n 's/^ *"version": "\(.*\)",/\1/p' bench/peers/node_modules/s3rver/package.json 2>/dev/null | head -1)"
  if [ -n "${MOTO:-}" ]; then
    echo "moto=$("$(head -1 "$MOTO" | sed 's/^#!//')" -c 'import moto; print(moto.__version__)' 2>/dev/null || true)"
  fi
  echo "awslab=$(git rev-parse --short HEAD 2>/dev/null || true)$(git status --porcelain -- emulator client 2>/dev/null | grep -q . && echo '+local changes' || true)"
  echo "kernel=$(uname -sr)"
  echo "cpu=$(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
  echo "cores=$(nproc)"
  echo "filesystem=$(df -T "$WORK" | awk 'NR==2{print $2" on "$1}')"
} >"$WORK/versions.txt"

mkdir -p "$(dirname "$OUT")"
python3 bench/compare_report.py --work "$WORK" --json "$OUT" --md "$MD" \
  --mode "$([ "$QUICK" = 1 ] && echo quick || echo full)" --command "$COMMAND"
log "wrote $OUT and $MD"
exit "$RUNS_FAILED"
