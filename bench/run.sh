#!/usr/bin/env bash
# Nearest-neighbor benchmark: EmbeddingHub vs python3-hnswlib on Fashion-MNIST, in one run.
# Usage: bench/run.sh [--quick]   (--quick: 10,000 base vectors, 1,000 queries)
# Results: bench/results/ (report.md, recall_vs_qps.png, CSVs).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in dataset-fashion-mnist python3-hnswlib python3-matplotlib python3-numpy; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
train=$(dpkg -L dataset-fashion-mnist | grep -E 'train-images.*idx3' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E 't10k-images.*idx3' | head -1)

base=60000; queries=10000
if [ "${1:-}" = "--quick" ]; then base=10000; queries=1000; fi
results=bench/results
mkdir -p "$results"

mvn -B -q install -DskipTests
java -Xmx8g -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector \
  -cp "bench/target/classes:bench/target/lib/*" io.embeddinghub.bench.NearestNeighborBench \
  "$train" "$test" "$results" "$base" "$queries" 2>&1 | grep -v 'incubator.vector'
# Debian's python3 (where python3-hnswlib lives), not a pyenv one
/usr/bin/python3 bench/python/hnswlib_reference.py "$results"
/usr/bin/python3 bench/python/report.py "$results"
