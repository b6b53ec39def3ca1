#!/usr/bin/env bash
# Issue #22 "small jobs stay small": a notebook-sized write and index build through Spark (local[2],
# default settings) vs the embedded API, alternating in one JVM (SmallJobsBench).
# Usage: bench/run-small-jobs.sh [rows] [dims] [rounds]   (default 20000 32 5)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
# shellcheck disable=SC2046
java -Xmx2g $(tr '\n' ' ' < .mvn/jvm.config) \
  -cp "bench/target/classes:store/target/classes:connector/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.SmallJobsBench "$@" 2>&1 | grep -v -E 'WARN|incubator|SLF4J'
