#!/usr/bin/env bash
# Index partitions on synthetic data: PartitionedBench (see its Javadoc) then the report.
#
# Usage: bench/run-partitioned.sh [--rows N] [--queries N] [--skip-build] [--docs]
#   --rows N      base vectors (default 1,000,000; 64-d, 1,000 seeded Gaussian clusters)
#   --queries N   queries (default 1,000), exact top-10 by brute force (cached per size and seed)
#   --skip-build  do not build store and bench first
#   --docs        refresh the generated block of docs/BENCHMARKS.md from all results present
# Results: bench/results/partitioned/ (partitioned.csv, params.json, log.txt), then
# bench/results/report.md via bench/python/report.py. 1M rows take ~30 min on 2 cores (two
# spaces: one split into 8 partitions, one with default settings) and need -Xmx8g.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=1000000; queries=1000; build=1; docs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift ;;
    --queries) queries=$2; shift ;;
    --skip-build) build=0 ;;
    --docs) docs=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see bench/run-partitioned.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
results=bench/results/partitioned
mkdir -p "$results"
rm -f "$results/partitioned.csv" "$results"/loadavg-*.txt
read -r l1 l5 l15 _ < /proc/loadavg; echo "$l1 $l5 $l15" > "$results/loadavg-start.txt"
echo "$(git rev-parse --short HEAD 2>/dev/null)$(git status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')" > "$results/commit.txt"
if [ $build -eq 1 ]; then
  mvn -B -q install -DskipTests -pl store
  mvn -B -q install -DskipTests -pl bench
fi
java -Xmx8g -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector \
  -cp "bench/target/classes:bench/target/lib/*" io.embeddinghub.bench.PartitionedBench "$results" "$rows" "$queries" 2>&1 \
  | grep --line-buffered -v -E 'Using incubator modules|SLF4J' | tee "$results/log.txt"
read -r l1 l5 l15 _ < /proc/loadavg; echo "$l1 $l5 $l15" > "$results/loadavg-end.txt"
args=(bench/results --partitioned "$results")
[ $docs -eq 1 ] && args+=(--docs docs/BENCHMARKS.md)
/usr/bin/python3 bench/python/report.py "${args[@]}"
