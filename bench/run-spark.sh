#!/usr/bin/env bash
# Distributed operations on local Spark (issue #5): batch kNN vs Spark's NEAREST BY and
# crossJoin, multiget vs a Parquet join. Usage: bench/run-spark.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; }
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images.*idx3' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images.*idx3' | head -1)
queries=10000; slow=200
if [ "${1:-}" = "--quick" ]; then queries=1000; slow=50; fi
mvn -B -q install -DskipTests
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 java -Xmx12g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "bench/target/classes:bench/target/lib/*" io.embeddinghub.bench.SparkBench \
  "$train" "$test" bench/results "$queries" "$slow" 2>&1 | grep -v -E 'WARN|incubator'
