#!/usr/bin/env bash
# Issue #22: optimize of a one-bucket 2,000,000 x 128-d space (1 GB of floats) in a 1 GB heap at
# default settings. Usage: bench/run-optimize-1g.sh [rows] [dims] [heap]; prints one table row.
# Peak heap per phase: the largest occupancy after and before a collection, from the GC log.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}; dims=${2:-128}; heap=${3:-1g}
mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
work=$(mktemp -d /tmp/eh-optimize-1g.XXXXXX)
# the classes are copied first, so that a rebuild beside a run does not reach it
mkdir -p "$work/classes" && for m in bench store connector; do cp -r "$m/target/classes" "$work/classes/$m"; done
# shellcheck disable=SC2046
java "-Xmx$heap" $(tr '\n' ' ' < .mvn/jvm.config) "-Xlog:gc:file=$work/gc.log:time" "-Dbench.gc.log=$work/gc.log" \
  -cp "$work/classes/bench:$work/classes/store:$work/classes/connector:bench/target/lib/*" \
  io.embeddinghub.bench.OptimizeHeapBench "$work/hub" "$rows" "$dims" 2>&1 | grep -v -E 'WARN|incubator'
cp "$work/gc.log" /tmp/eh-optimize-1g-gc.log && echo "GC log: /tmp/eh-optimize-1g-gc.log"
rm -rf "$work"
