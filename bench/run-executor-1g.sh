#!/usr/bin/env bash
# Issue #22: a Spark executor with a 1 GB heap and 2 task slots indexes a 4,000,000 x 128-d space
# written by a DataFrame write at default settings (the write's action builds the index), on
# local-cluster[1,2,1024]: a standalone master and worker inside the driver JVM, the executor its
# own JVM (-Xmx1g through spark.executor.memory). Checks 0 unindexed rows and recall@10 against
# brute force; reports wall times, partitions and the executor's peak heap from its GC log.
# Usage: bench/run-executor-1g.sh [rows] [dims] [queries]   defaults 4000000 128 100
# Builds in the reactor (package, no install; NO_BUILD=1 runs the classes as they are). Data under a
# temporary directory in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-4000000}; dims=${2:-128}; queries=${3:-100}
[ -n "${NO_BUILD:-}" ] || mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
work=$(mktemp -d /tmp/eh-executor-1g.XXXXXX)
# a frozen copy of the classes: the executor loads classes lazily, so a rebuild during the run
# must not reach it
for m in bench store connector; do cp -r "$m/target/classes" "$work/classes-$m"; done
cp -r bench/target/lib "$work/lib"
flags=$(tr '\n' ' ' < .mvn/jvm.config)
export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
status=0
# shellcheck disable=SC2086
java -Xmx4g $flags "-Dembeddinghub.bench.executor.jvm.flags=$flags" \
  -cp "$work/classes-bench:$work/classes-store:$work/classes-connector:$work/lib/*" \
  io.embeddinghub.bench.SparkExecutorBuildBench "$work" "$rows" "$dims" "$queries" 2>&1 \
  | grep -v -E 'WARN|incubator| INFO ' || status=$?
echo "executor GC logs: $work/executor-gc (kept; the hub is removed)"
rm -rf "$work/hub" "$work/lib" "$work/spark-home"
exit "$status"
