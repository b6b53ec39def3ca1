#!/usr/bin/env bash
# Issue #26's sweep through Spark SQL at default settings (SparkFilteredBench): Fashion-MNIST written
# by a DataFrame write and by an embedded bulk load; an APPROX NEAREST 10 join whose space side is
# filtered by `key IN (SELECT key FROM products WHERE in_stock)` at 100%, 10%, 1% and 0.1%, against
# Spark's own plan for the same filtered join in the same run; recall@10 vs brute force over the
# allowed rows. Usage: bench/run-spark-filtered.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; }
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images.*idx3' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images.*idx3' | head -1)
queries=10000; slow=50
if [ "${1:-}" = "--quick" ]; then queries=1000; slow=20; fi
mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
# a frozen copy of the classes, so that a rebuild during the run cannot reach it
work=$(mktemp -d /tmp/eh-spark-filtered.XXXXXX)
cp -r bench/target/classes "$work/classes"; cp -r bench/target/lib "$work/lib"
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 java -Xmx8g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "$work/classes:$work/lib/*" io.embeddinghub.bench.SparkFilteredBench \
  "$train" "$test" bench/results "$queries" "$slow" 2>&1 | grep -v -E 'WARN|incubator'
rm -rf "$work"
