#!/usr/bin/env bash
# Native hnswlib (C++) reference benchmark on Fashion-MNIST; see bench/native/README.md.
#
# Usage: bench/native/run-native.sh OUTDIR [BASE=60000] [QUERIES=10000] [M=16] [EFC=200]
#                                   [EFS=10,16,32,64,128,256] [THREADS=2] [--gt FILE]
#   e.g. bench/native/run-native.sh bench/results/native-quick 10000 1000
# Installs dataset-fashion-mnist and libhnswlib-dev if missing, compiles hnsw_reference.cpp into
# bench/native/target/ (git-ignored) and runs it on the packaged train/t10k image files with the
# arguments above passed through. Writes OUTDIR/native.csv and, unless --gt is given,
# OUTDIR/groundtruth.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,10p' "$0"; exit 2
fi

need=()
for pkg in dataset-fashion-mnist libhnswlib-dev zlib1g-dev g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${need[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

train=$(dpkg -L dataset-fashion-mnist | grep -E '/train-images-idx3-ubyte(\.gz)?$' | head -1)
test=$(dpkg -L dataset-fashion-mnist | grep -E '/t10k-images-idx3-ubyte(\.gz)?$' | head -1)
[ -n "$train" ] && [ -n "$test" ] || { echo "Fashion-MNIST image files not found in dataset-fashion-mnist" >&2; exit 1; }
# The headers are included as <hnswlib/hnswlib.h>: the include root is the parent of that directory.
header=$(dpkg -L libhnswlib-dev | grep -E '/hnswlib/hnswlib\.h$' | head -1)
[ -n "$header" ] || { echo "hnswlib.h not found in libhnswlib-dev" >&2; exit 1; }
include=$(dirname "$(dirname "$header")")

mkdir -p "$here/target" "$1"
bin="$here/target/hnsw_reference"
if [ ! -x "$bin" ] || [ "$here/hnsw_reference.cpp" -nt "$bin" ] || [ "$header" -nt "$bin" ]; then
  echo "compiling $bin (headers: $include/hnswlib)"
  g++ -O3 -march=native -std=c++17 -pthread -I"$include" "$here/hnsw_reference.cpp" -o "$bin" -lz
fi
exec "$bin" "$train" "$test" "$@"
