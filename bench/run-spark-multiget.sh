#!/usr/bin/env bash
# Multiget at any scale (issue #10 item 4): EmbeddingHubSpark.multiget of a small and a large key
# set vs a Spark join of the same keys with the same rows as plain Parquet, in one run.
# Usage: bench/run-spark-multiget.sh [rows] [dims] [buckets] [small keys] [large keys] [repeats]
#   defaults 1000000 64 16 1000 100000 3; report: bench/results/multiget-report.md
# Builds in the reactor (package, no install), so it runs from a worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -B -q -pl store,connector,bench -am package -DskipTests
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 java -Xmx6g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "bench/target/classes:store/target/classes:connector/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.SparkMultigetBench "$@" 2>&1 | grep -v -E 'WARN|incubator'
