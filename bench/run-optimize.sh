#!/usr/bin/env bash
# Optimize of a space with 100 small files per bucket (issue #10): embedded vs Spark (local[2]),
# time and peak heap, each in its own JVM on a copy of one prepared hub, in one run.
# Usage: bench/run-optimize.sh [files per bucket] [rows per file] [dims] [heap]
#   defaults 100 250 32 2g; report: bench/results/optimize-report.md
# Builds in the reactor (package, no install), so it runs from a worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-100}; rows=${2:-250}; dims=${3:-32}; heap=${4:-2g}
mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
work=$(mktemp -d /tmp/eh-optimize-bench.XXXXXX)
run() {
  # shellcheck disable=SC2046
  SPARK_LOCAL_IP=127.0.0.1 java "-Xmx$1" $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
    -cp "bench/target/classes:store/target/classes:connector/target/classes:bench/target/lib/*" \
    io.embeddinghub.bench.OptimizeBench "${@:2}" 2>&1 | grep -v -E 'WARN|incubator'
}
run 4g prepare "$work/prepared" "$files" "$rows" "$dims"
results=()
for mode in embedded spark embedded spark; do
  rm -rf "$work/hub" && cp -r "$work/prepared" "$work/hub"
  line=$(run "$heap" "$mode" "$work/hub" | grep '^RESULT')
  echo "$line"
  results+=("$line")
done
mkdir -p bench/results
{
  echo "Optimize of a default space (8 buckets) holding $files files per bucket of $rows rows x $dims-d,"
  echo "each mode in its own JVM with -Xmx$heap, two runs each, alternating (load average: $(cut -d' ' -f1-2 /proc/loadavg))."
  echo
  echo "| mode | wall time | peak heap used (sampled) | peak old generation | files before → after |"
  echo "|---|---:|---:|---:|---|"
  for line in "${results[@]}"; do
    echo "$line" | sed -E 's/RESULT ([a-z]+) seconds=([0-9.]+) peakHeapMiB=([0-9]+) peakOldGenMiB=([0-9]+) maxHeapMiB=[0-9]+ files=([0-9]+)->([0-9]+)/| \1 | \2 s | \3 MiB | \4 MiB | \5 → \6 |/'
  done
} > bench/results/optimize-report.md
cat bench/results/optimize-report.md
rm -rf "$work"
