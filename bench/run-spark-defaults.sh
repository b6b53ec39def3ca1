#!/usr/bin/env bash
# Issue #22's headline at default settings: Fashion-MNIST written by a DataFrame write (indexed in
# the write's action) and by an embedded bulk load, then 10,000 queries as a SQL NEAREST BY join on
# each, against Spark's own NEAREST BY plan in the same run. Usage: bench/run-spark-defaults.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; }
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images.*idx3' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images.*idx3' | head -1)
queries=10000; slow=200
if [ "${1:-}" = "--quick" ]; then queries=1000; slow=50; fi
mvn -B -q install -DskipTests
# shellcheck disable=SC2046
SPARK_LOCAL_IP=127.0.0.1 java -Xmx8g $(tr '\n' ' ' < .mvn/jvm.config) -Dspark.driver.host=127.0.0.1 \
  -cp "bench/target/classes:bench/target/lib/*" io.embeddinghub.bench.SparkDefaultsBench \
  "$train" "$test" bench/results "$queries" "$slow" 2>&1 | grep -v -E 'WARN|incubator'
