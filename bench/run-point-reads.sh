#!/usr/bin/env bash
# Point reads: multigets of random keys id-<n> against an existing space, each through a newly opened hub (PointReadBench).
# Usage: bench/run-point-reads.sh <hub-root> <space> <rows> [keys] [repeats]
#   e.g. the spaces bench/run-layout-parity.sh leaves: bench/run-point-reads.sh file:///tmp/eh-layout-bench123 spark 10000000
# Builds in the reactor (package, no install), so it runs from a worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 10 mvn -o -B -q -pl store,connector,bench -am package -DskipTests
# shellcheck disable=SC2046
nice -n 10 java -Xmx2g $(tr '\n' ' ' < .mvn/jvm.config) \
  -cp "bench/target/classes:store/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.PointReadBench "$@" 2>&1 | grep -v -E 'WARN|incubator|SLF4J'
