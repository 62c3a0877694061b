#!/bin/bash
# `awslab wordcount` measured: the counting kernel in memory against `wc -w`,
# counting end to end from awslab-server against merely downloading the same
# objects, and a sweep over input sizes x modes x workers (CSV and a plot).
#
#   BUILD_DIR=build-bench bench/wordcount.sh [kernel] [e2e] [sweep]   # default: kernel e2e
#
# It builds nothing: BUILD_DIR must hold awslab, awslab-server, awslab-corpus and
# awslab-wordcount-kernel-bench, e.g.
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   ninja -C build-bench awslab awslab-server awslab-corpus awslab-wordcount-kernel-bench
# Each part that needs a server starts its own awslab-server on a free loopback
# port with a fresh data dir under a temp dir, and stops it by pid at exit.
#
#   kernel  ~256 MiB of review-like text (awslab-corpus, ASCII) in one file:
#           awslab-wordcount-kernel-bench --file on it (avx2, portable, streaming
#           WordCounter fed 64 KiB at a time; one thread, GB/s = per core), then
#           `wc -w` on the same file (LC_ALL=C and LC_ALL=C.UTF-8, best of 3,
#           from the page cache) and the ratios. Also the kernel and wc -w on
#           the UTF-8 and the JSON lines variants of the corpus.
#   e2e     1000 documents x 100 KiB and one document of 1 GiB uploaded, ASCII and
#           --utf8 (E2E_CORPORA: docs big docs-utf8 big-utf8); for each of
#           sequential, threads 1/2/4, processes 1/2/4: `awslab wordcount` and
#           `awslab wordcount --download-only` alternately, E2E_REPEATS (7) times each;
#           the medians, and the counting rate as a % of the download rate
#           (every run in bench/results/wordcount-e2e-runs.csv).
#   sweep   three one-sentence documents, 1 MiB, 10 MiB, 100 MiB, 1 GiB (documents of
#           100 KiB) x sequential, threads 1/2/4, processes 1/2/4, median of
#           SWEEP_REPEATS (7): bench/results/wordcount-sweep.csv (every run in
#           wordcount-sweep-runs.csv) and docs/wordcount-sweep.png, drawn by
#           bench/wordcount_plot.gp. The three documents' sentences are ours.
#
# Environment: BUILD_DIR (build), KERNEL_MIB (256), E2E_REPEATS (7),
# SWEEP_REPEATS (7), SWEEP_SIZES (see below), SWEEP_CSV, SWEEP_PNG.
# Timings are only reported; the script fails only when a run fails (exit 1).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
B=${BUILD_DIR:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
PARTS=${*:-kernel e2e}
PY=/usr/bin/python3

AWSLAB=$B/client/awslab
SERVER=$B/emulator/awslab-server
CORPUS=$B/fixtures/corpus/awslab-corpus
KBENCH=$B/bench/awslab-wordcount-kernel-bench
for f in "$AWSLAB" "$SERVER" "$CORPUS" "$KBENCH"; do
  if [ ! -x "$f" ]; then
    echo "wordcount.sh: $f is missing; build it first:" >&2
    echo "  ninja -C $B awslab awslab-server awslab-corpus awslab-wordcount-kernel-bench" >&2
    exit 1
  fi
done

D=$(mktemp -d /tmp/wcbench-XXXX)
PID=
stop_server() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
  fi
}
cleanup() {
  stop_server
  rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# A fresh awslab-server on a free port: sets PID and E (the endpoint).
start_server() {
  rm -rf "$D/data" "$D/port"
  "$SERVER" --port 0 --port-file "$D/port" --data-dir "$D/data" --quiet > "$D/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 200); do
    [ -s "$D/port" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$D/server.log" >&2; exit 1; }
    sleep 0.05
  done
  E=http://127.0.0.1:$(cat "$D/port")
  export AWS_ENDPOINT_URL=$E
}

# The server's CPU seconds so far (utime + stime).
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$PID/stat"
}

# Uploads a corpus: upload PREFIX_URL corpus-flags...
upload() {
  local url=$1
  shift
  "$CORPUS" --endpoint-url "$E" --upload "$url" --create-bucket --workers 4 "$@" > /dev/null
}

# One `awslab wordcount` run; prints "seconds words client_cpu_seconds".
# wc_run S3URL MODE WORKERS [--download-only]
wc_run() {
  local url=$1 mode=$2 workers=$3
  shift 3
  /usr/bin/time -f "%U %S" -o "$D/time" \
    "$AWSLAB" --endpoint-url "$E" --output json wordcount "$url" --mode "$mode" \
    --workers "$workers" "$@" > "$D/out.json"
  "$PY" - "$D/out.json" "$D/time" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
user, sys_ = open(sys.argv[2]).read().split()[-2:]
total = doc["total"] if doc["total"] is not None else "-"
print(doc["runs"][0]["seconds"], total, float(user) + float(sys_))
EOF
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ---------------------------------------------------------------- kernel
kernel() {
  local mib=${KERNEL_MIB:-256}
  local k=$D/kernel
  mkdir -p "$k"
  echo "== kernel: ${mib} MiB of review-like text in memory, one thread"
  # 1 MiB documents, concatenated: the same text the e2e part counts, in one file.
  "$CORPUS" --documents "$mib" --size 1048576 --exact-size --format text --seed 1 \
    --out "$k/text" > /dev/null
  cat "$k/text"/* > "$k/corpus.txt"
  rm -rf "$k/text"
  "$KBENCH" --file "$k/corpus.txt" --json "$k/kernel.json"

  # wc -w on the same file, from the page cache, best of 3.
  cat "$k/corpus.txt" > /dev/null
  local bytes
  bytes=$(stat -c %s "$k/corpus.txt")
  local wc_c wc_u
  wc_c=$(best_of_3 env LC_ALL=C wc -w "$k/corpus.txt")
  wc_u=$(best_of_3 env LC_ALL=C.UTF-8 wc -w "$k/corpus.txt")
  local words_c
  words_c=$(LC_ALL=C wc -w < "$k/corpus.txt")
  "$PY" - "$k/kernel.json" "$bytes" "$wc_c" "$wc_u" "$words_c" <<'EOF'
import json, sys
k = json.load(open(sys.argv[1]))
size = int(sys.argv[2]); wc_c = float(sys.argv[3]); wc_u = float(sys.argv[4])
words_c = int(sys.argv[5])
best = max(v["best_gbps"] for v in k["variants"])
first = k["variants"][0]
print(f"wc -w (LC_ALL=C):       {wc_c:.3f} s  {size / wc_c / 1e9:.3f} GB/s  ({words_c} words;"
      f" awslab counts {k['words']}{', the same' if words_c == k['words'] else ', DIFFERENT'})")
print(f"wc -w (LC_ALL=C.UTF-8): {wc_u:.3f} s  {size / wc_u / 1e9:.3f} GB/s")
for v in k["variants"]:
    r = v["best_gbps"] * 1e9
    print(f"{v['kernel']:<22} {v['best_gbps']:.2f} GB/s/core: {r * wc_c / size:.1f}x wc -w (C),"
          f" {r * wc_u / size:.1f}x wc -w (C.UTF-8)"
          f"  [1 GB/s/core: {'met' if v['best_gbps'] >= 1 else 'MISSED'};"
          f" 5x wc -w (C): {'met' if r * wc_c / size >= 5 else 'MISSED'}]")
EOF
  echo "-- the UTF-8 text and the JSON lines reviews (same size)"
  for variant in "text --utf8" "jsonl"; do
    # shellcheck disable=SC2086
    "$CORPUS" --documents "$mib" --size 1048576 --exact-size --format $variant --seed 1 \
      --out "$k/v" > /dev/null
    cat "$k/v"/* > "$k/v.txt"
    rm -rf "$k/v"
    echo "   awslab-corpus --format $variant:"
    "$KBENCH" --file "$k/v.txt" | sed 's/^/   /'
    cat "$k/v.txt" > /dev/null
    echo "   wc -w: $(best_of_3 env LC_ALL=C wc -w "$k/v.txt") s (LC_ALL=C)," \
      "$(best_of_3 env LC_ALL=C.UTF-8 wc -w "$k/v.txt") s (LC_ALL=C.UTF-8), best of 3;" \
      "$((bytes / 1000000)) MB"
    rm -f "$k/v.txt"
  done
  rm -f "$k/corpus.txt"
}

# The wall time of the fastest of 3 runs of a command, in seconds.
best_of_3() {
  local best=
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s.%N)
    "$@" > /dev/null
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

# ---------------------------------------------------------------- e2e
CONFIGS=("sequential 1" "threads 1" "threads 2" "threads 4" "processes 1" "processes 2"
         "processes 4")

e2e() {
  local repeats=${E2E_REPEATS:-7}
  start_server
  echo "== end to end: awslab-server $E on this machine, medians of $repeats runs"
  local corpora=${E2E_CORPORA:-docs big docs-utf8 big-utf8}
  for corpus in $corpora; do
    # docs: 1000 x 100 KiB; big: one of 1 GiB; -utf8: with --utf8, non-ASCII words and
    # Unicode white space (6.7% of the bytes).
    local shape utf8=
    case $corpus in
      docs*) shape="--documents 1000 --size 102400 --seed 2" ;;
      big*) shape="--documents 1 --size 1073741824 --seed 3" ;;
      *) echo "wordcount.sh: unknown corpus $corpus" >&2; exit 2 ;;
    esac
    case $corpus in *-utf8) utf8=--utf8 ;; esac
    # shellcheck disable=SC2086
    upload "s3://wcbench/$corpus/" $shape --exact-size --format text $utf8
  done
  local out=$D/e2e.tsv
  : > "$out"
  for corpus in $corpora; do
    local url=s3://wcbench/$corpus/
    wc_run "$url" threads 2 > /dev/null  # warm-up: page cache, server
    for r in $(seq "$repeats"); do
      for c in "${CONFIGS[@]}"; do
        set -- $c
        local c0 c1 c2 dl ct
        c0=$(server_cpu)
        dl=$(wc_run "$url" "$1" "$2" --download-only)
        c1=$(server_cpu)
        ct=$(wc_run "$url" "$1" "$2")
        c2=$(server_cpu)
        echo -e "$corpus\t$1\t$2\t$r\t$dl\t$ct\t$(echo "$c1 - $c0" | bc)\t$(echo "$c2 - $c1" | bc)" \
          | tr ' ' '\t' >> "$out"
      done
    done
  done
  stop_server
  mkdir -p "$ROOT/bench/results"
  {
    echo "corpus,mode,workers,repeat,download_seconds,download_client_cpu,count_seconds,words,count_client_cpu,download_server_cpu,count_server_cpu"
    awk -F'\t' -v OFS=, '{ print $1, $2, $3, $4, $5, $7, $8, $9, $10, $11, $12 }' "$out"
  } > "${E2E_CSV:-$ROOT/bench/results/wordcount-e2e-runs.csv}"
  "$PY" - "$out" <<'EOF'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
sizes = {"docs": 1000 * 102400, "big": 1 << 30, "docs-utf8": 1000 * 102400, "big-utf8": 1 << 30}
names = {"docs": "1000 x 100 KiB", "big": "1 x 1 GiB", "docs-utf8": "1000 x 100 KiB, UTF-8",
         "big-utf8": "1 x 1 GiB, UTF-8"}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    # corpus mode workers rep | dl_s dl_words dl_cpu | ct_s ct_words ct_cpu | srv_dl srv_ct
    rows[(f[0], f[1], int(f[2]))].append(f[4:])
print("| corpus | mode | workers | download s | download MB/s | count s | count MB/s |"
      " count / download | same, fastest runs | words | client CPU s (download, count) |"
      " server CPU s (download, count) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
worst = {}
words = {}
for (corpus, mode, workers), runs in rows.items():
    med = lambda i: statistics.median(float(r[i]) for r in runs)
    dl, ct = med(0), med(3)
    counts = {r[4] for r in runs}
    words.setdefault(corpus, set()).update(counts)
    size = sizes[corpus]
    pct = 100 * dl / ct
    fastest = 100 * min(float(r[0]) for r in runs) / min(float(r[3]) for r in runs)
    worst[corpus] = min(worst.get(corpus, pct), pct)
    print(f"| {names[corpus]} | {mode} | {workers} | {dl:.3f} | {size / dl / 1e6:,.0f} | {ct:.3f} |"
          f" {size / ct / 1e6:,.0f} | {pct:.0f}% | {fastest:.0f}% | {'/'.join(sorted(counts))} |"
          f" {med(2):.2f}, {med(5):.2f} | {med(6):.2f}, {med(7):.2f} |")
for corpus, w in words.items():
    if len(w) != 1:
        print(f"MISMATCH: {corpus} counted as {sorted(w)}")
for corpus, pct in worst.items():
    print(f"{names[corpus]}: lowest count / download (medians) {pct:.0f}%"
          f" (goal: at least 70%: {'met' if pct >= 70 else 'MISSED'})")
EOF
}

# ---------------------------------------------------------------- sweep
# label:documents:bytes-per-document; "three" is three one-sentence documents.
SWEEP_SIZES=${SWEEP_SIZES:-"three:3:0 1MiB:10:102400 10MiB:100:102400 100MiB:1024:102400 1GiB:10486:102400"}

sweep() {
  local repeats=${SWEEP_REPEATS:-7}
  local csv=${SWEEP_CSV:-$ROOT/bench/results/wordcount-sweep.csv}
  local png=${SWEEP_PNG:-$ROOT/docs/wordcount-sweep.png}
  start_server
  echo "== sweep: $SWEEP_SIZES x ${#CONFIGS[@]} configurations, median of $repeats, $E"
  local raw=$D/sweep.tsv
  : > "$raw"
  "$AWSLAB" --endpoint-url "$E" s3 mb s3://wcsweep > /dev/null
  for s in $SWEEP_SIZES; do
    IFS=: read -r label docs size <<< "$s"
    if [ "$label" = three ]; then
      # Three documents of one sentence each, as the course's Python example counts.
      mkdir -p "$D/three"
      echo "The quick brown fox jumps over the lazy dog." > "$D/three/doc-1.txt"
      echo "Counting words in parallel pays only when there is enough work to share." \
        > "$D/three/doc-2.txt"
      echo "Threads suit waiting on the network and processes suit work for the CPU." \
        > "$D/three/doc-3.txt"
      "$AWSLAB" --endpoint-url "$E" s3 cp "$D/three" s3://wcsweep/three/ --recursive > /dev/null
    else
      upload "s3://wcsweep/$label/" --documents "$docs" --size "$size" --exact-size \
        --format text --seed 4
    fi
  done
  for s in $SWEEP_SIZES; do
    IFS=: read -r label docs size <<< "$s"
    local url=s3://wcsweep/$label/
    wc_run "$url" threads 2 > /dev/null  # warm-up
    for r in $(seq "$repeats"); do
      for c in "${CONFIGS[@]}"; do
        set -- $c
        local res
        res=$(wc_run "$url" "$1" "$2")
        echo -e "$label\t$1\t$2\t$r\t$res" | tr ' ' '\t' >> "$raw"
      done
    done
    echo "   $label done"
  done
  # bytes and objects as listed by the server
  for s in $SWEEP_SIZES; do
    IFS=: read -r label docs size <<< "$s"
    "$AWSLAB" --endpoint-url "$E" --output json wordcount "s3://wcsweep/$label/" --mode sequential \
      --download-only > "$D/list.json"
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2], d["bytes"], d["objects"])' \
      "$D/list.json" "$label" >> "$D/sizes.txt"
  done
  stop_server
  mkdir -p "$(dirname "$csv")"
  "$PY" - "$raw" "$D/sizes.txt" "$csv" "$repeats" <<'EOF'
import csv, statistics, sys
from collections import defaultdict
raw, sizes_file, out, repeats = sys.argv[1:5]
sizes = {}
order = []
for line in open(sizes_file):
    label, b, n = line.split()
    sizes[label] = (int(b), int(n))
    order.append(label)
runs = defaultdict(list)
words = defaultdict(set)
for line in open(raw):
    label, mode, workers, rep, seconds, total, cpu = line.rstrip("\n").split("\t")
    runs[(label, mode, int(workers))].append(float(seconds))
    words[label].add(total)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["size_label", "bytes", "objects", "mode", "workers", "seconds", "mb_per_s",
                "speedup_vs_sequential", "repeats"])
    for label in order:
        b, n = sizes[label]
        seq = statistics.median(runs[(label, "sequential", 1)])
        for (l, mode, workers), secs in runs.items():
            if l != label:
                continue
            m = statistics.median(secs)
            w.writerow([label, b, n, mode, workers, f"{m:.6f}", f"{b / m / 1e6:.3f}",
                        f"{seq / m:.3f}", len(secs)])
with open(out.replace(".csv", "-runs.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["size_label", "mode", "workers", "repeat", "seconds", "words", "client_cpu_seconds"])
    for line in open(raw):
        w.writerow(line.rstrip("\n").split("\t"))
for label, ws in words.items():
    if len(ws) != 1:
        print(f"MISMATCH: {label} counted as {sorted(ws)}")
print(open(out).read(), end="")
EOF
  gnuplot -e "csv='$csv'; png='$png'; repeats='$repeats'" "$HERE/wordcount_plot.gp"
  echo "wrote $csv and $png"
}

for part in $PARTS; do
  case $part in
    kernel) kernel ;;
    e2e) e2e ;;
    sweep) sweep ;;
    *) echo "wordcount.sh: unknown part '$part' (kernel, e2e, sweep)" >&2; exit 2 ;;
  esac
done
