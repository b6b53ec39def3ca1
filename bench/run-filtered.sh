#!/usr/bin/env bash
# Issue #26: filtered nearest neighbors on Fashion-MNIST, a selectivity sweep (FilteredSearchBench):
# recall@10 and queries/s of each strategy vs brute force over the allowed rows, one query thread.
# Usage: bench/run-filtered.sh [queries]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get install -y -q dataset-fashion-mnist
fi
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images-idx3-ubyte(\.gz)?$' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images-idx3-ubyte(\.gz)?$' | head -1)
mvn -o -B -q -pl store,bench -am package -DskipTests -Dmaven.javadoc.skip=true
# shellcheck disable=SC2046
java -Xmx4g $(tr '\n' ' ' < .mvn/jvm.config) \
  -cp "bench/target/classes:store/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.FilteredSearchBench "$train" "$test" "$@" 2>&1 | grep -v -E 'WARN|incubator|SLF4J'
