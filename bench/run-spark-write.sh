#!/usr/bin/env bash
# Spark write parallelism (issue #10 item 2): the same cached DataFrame written into a new space
# with default settings and as plain Parquet, on local[2], in one run.
# Usage: bench/run-spark-write.sh [rows] [dims] [repeats]   defaults 2000000 32 3
# Report: bench/results/write-report.md. Builds in the reactor (package, no install).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl store,connector,bench -am package -DskipTests
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 java -Xmx6g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "bench/target/classes:store/target/classes:connector/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.SparkWriteBench "$@" 2>&1 | grep -v -E 'WARN|incubator'
