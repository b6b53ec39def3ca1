#!/usr/bin/env bash
# Layout parity: the same rows written by a DataFrame write and by multiset(Iterator); files and multiget through both APIs.
# Usage: bench/run-layout-parity.sh [rows] [dims] [keys] [repeats] [results-dir] [index] [earlier-run-dir]
#   defaults 500000 16 1000 3 bench/results auto (the DataFrame write's index option; defer at 10^7 rows);
#   report: <results-dir>/layout-parity-report.md; earlier-run-dir: measure the spaces an earlier run left (same rows) without writing
# Builds in the reactor (package, no install), so it runs from a worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 10 mvn -o -B -q -pl store,connector,bench -am package -DskipTests
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 nice -n 10 java -Xmx6g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "bench/target/classes:store/target/classes:connector/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.LayoutParityBench "$@" 2>&1 | grep -v -E 'WARN|incubator'
