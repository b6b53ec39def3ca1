#!/usr/bin/env bash
# Nearest-neighbor benchmark: EmbeddingHub vs python3-hnswlib on Fashion-MNIST, in one run.
#
# Usage: bench/run.sh [--quick] [--no-scalar] [--skip-build] [--no-docs]
#   --quick       10,000 base vectors and 1,000 queries (a few minutes); results in bench/results/quick/
#   --no-scalar   skip the second JVM that measures the bare index with scalar distance kernels
#   --skip-build  do not run `mvn install` first (bench/target must already be built)
#   --no-docs     do not refresh docs/BENCHMARKS.md and its plot (a full run refreshes them)
#
# Full run (~15-20 min on 2 cores): bench/results/ gets report.md, report.csv, recall_vs_qps.png
# and the raw CSVs, and the generated block of docs/BENCHMARKS.md plus
# docs/img/fashion-mnist-recall-vs-qps.png are replaced. Run it on an otherwise idle machine:
# every figure is a wall-clock time.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0; scalar=1; build=1; docs=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-scalar) scalar=0 ;;
    --skip-build) build=0 ;;
    --no-docs) docs=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see bench/run.sh --help)" >&2; exit 2 ;;
  esac
done

# --- Debian packages: the data set, the C++ reference and the plotting library
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
  base=10000; queries=1000; results=bench/results/quick; command="bench/run.sh --quick"; docs=0
else
  base=60000; queries=10000; results=bench/results; command="bench/run.sh"
fi
mkdir -p "$results"
rm -f "$results"/embeddinghub.csv "$results"/embeddinghub-kernels-*.csv "$results"/hnswlib.csv

read -r load1 _ < /proc/loadavg
echo "$load1" > "$results/loadavg-start.txt"
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: 1-minute load average is $load1: other processes compete for the cores, timings will suffer" >&2
fi

# --- build
if [ $build -eq 1 ]; then
  mvn -B -q install -DskipTests
fi

jvm=(java -Xmx8g -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
     -cp "bench/target/classes:bench/target/lib/*")
main=io.embeddinghub.bench.NearestNeighborBench
quiet() { grep --line-buffered -v -E 'Using incubator modules|SLF4J'; }

echo "== EmbeddingHub (SIMD kernels): $base base vectors, $queries queries"
"${jvm[@]}" "$main" "$train" "$test" "$results" "$base" "$queries" 2>&1 | quiet
if [ $scalar -eq 1 ]; then
  echo "== EmbeddingHub bare index, scalar kernels (a second JVM: the kernels are chosen once per JVM)"
  "${jvm[@]}" -Dembeddinghub.simd.disabled=true "$main" "$train" "$test" "$results" "$base" "$queries" --kernels-only 2>&1 | quiet
fi
echo "== python3-hnswlib"
"$python" bench/python/hnswlib_reference.py "$results"
echo "== report"
report_args=("$results" --command "$command")
if [ $docs -eq 1 ]; then
  report_args+=(--docs docs/BENCHMARKS.md --docs-img docs/img/fashion-mnist-recall-vs-qps.png)
fi
"$python" bench/python/report.py "${report_args[@]}"
