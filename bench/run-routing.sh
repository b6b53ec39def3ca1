#!/usr/bin/env bash
# Routing rows to centroids (split index builds, docs/SCALING.md): every centroid vs the centroid
# graph, on Fashion-MNIST (apt package dataset-fashion-mnist), in one run.
# Usage: bench/run-routing.sh [rows] [k,k,...]   defaults 2000 1024,4096,11444
# Report: bench/results/routing-report.md. Builds in the reactor (package, no install).
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/datasets/fashion-mnist
mvn -o -B -q -pl store,connector,bench -am package -DskipTests -Dmaven.javadoc.skip=true
# shellcheck disable=SC2046
java -Xmx4g $(tr '\n' ' ' < .mvn/jvm.config) \
  -cp "bench/target/classes:store/target/classes:bench/target/lib/*" \
  io.embeddinghub.bench.RoutingBench "$data/train-images-idx3-ubyte.gz" "$data/t10k-images-idx3-ubyte.gz" "${1:-2000}" "${2:-1024,4096,11444}" \
  2>&1 | grep -v -E 'WARN|incubator'
