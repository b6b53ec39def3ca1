#!/usr/bin/env bash
# Nearest-neighbor benchmark on Fashion-MNIST, in one run and on one ground truth: EmbeddingHub
# (a space with default settings: multiset, buildIndex, Space.nearestNeighbors) vs the native C++
# hnswlib (bench/native, -O3 -march=native), with python3-hnswlib as a second reference row.
#
# Usage: bench/run.sh [--quick] [--rounds N] [--no-scalar] [--no-python] [--many-files] [--skip-build] [--no-docs] [--docs]
#   --quick       10,000 base vectors and 1,000 queries (a few minutes); results in bench/results/quick/
#   --rounds N    N rounds of the single-thread sweeps (default 3): round 1 builds both indexes and
#                 measures everything; rounds 2..N repeat only the headline sweeps, native and the
#                 default space in alternating order, each in a fresh process on the index built
#                 in round 1; the report gives the median QPS per ef and each round's ratio
#   --no-scalar   skip the second JVM that measures the bare index with scalar distance kernels
#   --no-python   skip python3-hnswlib (the native C++ reference is always run)
#   --many-files  also measure 1,000-row writes before and after optimize()
#   --skip-build  do not build store and bench first (bench/target must already be built)
#   --no-docs     do not refresh docs/BENCHMARKS.md and its plot (a full run refreshes them)
#   --docs        refresh them from a --quick run too
#
# Order: native (computes the exact top-10 into <results>/groundtruth-<base>x<queries>.txt, or
# reads it when present), EmbeddingHub (reads that file), python3-hnswlib (gets it from the Java
# side as truth.i32), the same rows written into a second space by a DataFrame write at default
# settings (DataFrameWrittenSpace, local Spark) and its sweep (embeddinghub-dataframe.csv), rounds
# 2..N into <results>/round-<n>/ (each sweeps both spaces), then bench/python/report.py:
# report.md, report.csv, recall_vs_qps.png.
# One-shot ratios on a shared VM move by tens of percent between runs (the native side's own QPS
# too), hence the rounds; within a sweep, both sides time the efs in blocks of 1,000 queries
# interleaved across the efs, so that a burst of noise does not land on one ef.
# Full run (~22 min on 2 cores; --no-scalar saves ~5). Every figure is a wall-clock time: run on an otherwise idle
# machine; the load average at start and end is recorded in the report.
# Build: store then bench only (`mvn install -pl store`, `-pl bench`; the connector and parent
# must already be in the local repository, e.g. from one `mvn install` of the project).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0; scalar=1; python_ref=1; many=0; build=1; docs=1; force_docs=0; rounds=3
while [ $# -gt 0 ]; do
  arg="$1"; shift
  case "$arg" in
    --quick) quick=1 ;;
    --rounds)
      rounds="${1:-}"; shift || true
      [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a whole number of at least 1, not '$rounds'" >&2; exit 2; } ;;
    --no-scalar) scalar=0 ;;
    --no-python) python_ref=0 ;;
    --many-files) many=1 ;;
    --skip-build) build=0 ;;
    --no-docs) docs=0 ;;
    --docs) force_docs=1 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see bench/run.sh --help)" >&2; exit 2 ;;
  esac
done

# --- Debian packages: the data set, the python reference and the plotting library
# (bench/native/run-native.sh installs libhnswlib-dev, zlib1g-dev and g++ itself)
need=()
for pkg in dataset-fashion-mnist python3-hnswlib python3-matplotlib python3-numpy; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images-idx3-ubyte(\.gz)?$' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images-idx3-ubyte(\.gz)?$' | head -1)
[ -n "$train" ] && [ -n "$test" ] || { echo "Fashion-MNIST image files not found in dataset-fashion-mnist" >&2; exit 1; }
python=/usr/bin/python3   # Debian's python3, where python3-hnswlib lives (not a pyenv/venv one)

if [ $quick -eq 1 ]; then
  base=10000; queries=1000; results=bench/results/quick; command="bench/run.sh --quick"; docs=$force_docs
else
  base=60000; queries=10000; results=bench/results; command="bench/run.sh"
fi
mkdir -p "$results"
rm -f "$results"/embeddinghub.csv "$results"/embeddinghub-kernels-*.csv "$results"/hnswlib.csv \
  "$results"/native/native.csv "$results"/loadavg-*.txt
rm -rf "$results"/round-*
# the native index and the hub that rounds 2..N search again; removed on exit
work=$(mktemp -d "${TMPDIR:-/tmp}/eh-bench-rounds.XXXXXX")
trap 'rm -rf "$work"' EXIT
threads=$(nproc)
efs=10,16,20,24,32,64,128,256   # the EFS of NearestNeighborBench
gt="$results/groundtruth-${base}x${queries}.txt"

read -r load1 load5 load15 _ < /proc/loadavg
echo "$load1 $load5 $load15" > "$results/loadavg-start.txt"
# the commit measured (the report runs later, when HEAD may have moved)
echo "$(git rev-parse --short HEAD 2>/dev/null)$(git status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')" > "$results/commit.txt"
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: 1-minute load average is $load1: other processes compete for the cores, timings will suffer" >&2
fi

# --- build
if [ $build -eq 1 ]; then
  mvn -B -q install -DskipTests -pl store
  mvn -B -q install -DskipTests -pl bench
fi

echo "== native hnswlib (C++, -O3 -march=native): $base base vectors, $queries queries, build on 1 and $threads threads"
if [ -s "$gt" ]; then
  bench/native/run-native.sh "$results/native" "$base" "$queries" 16 200 "$efs" "$threads" --gt "$gt" --save "$work/native.idx"
else
  bench/native/run-native.sh "$results/native" "$base" "$queries" 16 200 "$efs" "$threads" --save "$work/native.idx"
  cp "$results/native/groundtruth.txt" "$gt"
fi

jvm=(java -Xmx8g -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
     -cp "bench/target/classes:bench/target/lib/*")
main=io.embeddinghub.bench.NearestNeighborBench
quiet() { grep --line-buffered -v -E 'Using incubator modules|SLF4J'; }

echo "== EmbeddingHub (SIMD kernels): $base base vectors, $queries queries"
extra=(--gt "$gt" --keep-hub "$work/hub"); [ $many -eq 1 ] && extra+=(--many-files)
"${jvm[@]}" "$main" "$train" "$test" "$results" "$base" "$queries" "${extra[@]}" 2>&1 | quiet
if [ $scalar -eq 1 ]; then
  echo "== EmbeddingHub bare index, scalar kernels (a second JVM: the kernels are chosen once per JVM)"
  "${jvm[@]}" -Dembeddinghub.simd.disabled=true "$main" "$train" "$test" "$results" "$base" "$queries" --gt "$gt" --kernels-only 2>&1 | quiet
fi
if [ $python_ref -eq 1 ]; then
  echo "== python3-hnswlib"
  "$python" bench/python/hnswlib_reference.py "$results"
fi
spark_jvm=(java -Xmx8g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1
           -cp "bench/target/classes:bench/target/lib/*")
dataframe_sweep() {
  "${jvm[@]}" "$main" "$train" "$test" "$1" "$base" "$queries" --gt "$gt" --search-only "$work/hub" --dataframe 2>&1 | quiet
}
echo "== EmbeddingHub: the same rows written into a new space by a DataFrame write (default settings), then its sweep"
SPARK_LOCAL_IP=127.0.0.1 "${spark_jvm[@]}" io.embeddinghub.bench.DataFrameWrittenSpace "$train" "$work/hub" "$base" 2>&1 \
  | grep --line-buffered -v -E 'WARN|incubator|SLF4J'
dataframe_sweep "$results"
native_round() {
  echo "== round $1: native hnswlib, the index of round 1 loaded"
  bench/native/run-native.sh "$results/round-$1/native" "$base" "$queries" 16 200 "$efs" "$threads" --gt "$gt" --load "$work/native.idx"
}
java_round() {
  echo "== round $1: EmbeddingHub, the default space and the DataFrame-written one of round 1 reopened"
  "${jvm[@]}" "$main" "$train" "$test" "$results/round-$1" "$base" "$queries" --gt "$gt" --search-only "$work/hub" 2>&1 | quiet
  dataframe_sweep "$results/round-$1"
}
for ((r = 2; r <= rounds; r++)); do
  if ((r % 2 == 0)); then java_round $r; native_round $r; else native_round $r; java_round $r; fi
done
read -r load1 load5 load15 _ < /proc/loadavg
echo "$load1 $load5 $load15" > "$results/loadavg-end.txt"
echo "== report"
report_args=("$results" --command "$command")
if [ $docs -eq 1 ]; then
  report_args+=(--docs docs/BENCHMARKS.md --docs-img docs/img/fashion-mnist-recall-vs-qps.png)
fi
"$python" bench/python/report.py "${report_args[@]}"
