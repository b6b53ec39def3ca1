"""python3-hnswlib (the hnswlib C++ library behind Python bindings) on the same data, parameters
and ground truth as NearestNeighborBench, in the same run.

Usage: /usr/bin/python3 hnswlib_reference.py <results-dir>

Reads base.f32, queries.f32, truth.i32 and params.json written by NearestNeighborBench; writes
hnswlib.csv (impl,layout,metric_name,value,ef):
  build_seconds_1thread / build_seconds_2threads  add_items wall time
  index_bytes                                     size of save_index() (graph + vectors)
  recall, qps_1thread                             per ef: knn_query of one query at a time in a
                                                  Python loop, set_num_threads(1) - comparable
                                                  with the per-query Java API
  qps_batch_1thread                               per ef: one knn_query of all queries,
                                                  num_threads=1 (no per-call Python overhead)
"""
import json
import os
import sys
import tempfile
import time

import hnswlib
import numpy as np


def read_f32(path):
    header = np.fromfile(path, dtype="<i4", count=2)
    return np.fromfile(path, dtype="<f4", offset=8).reshape(header[0], header[1])


def read_truth(path):
    header = np.fromfile(path, dtype="<i4", count=2)
    return np.fromfile(path, dtype="<i4", offset=8).reshape(header[0], header[1])


def build(base, params, threads):
    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.init_index(max_elements=base.shape[0], ef_construction=params["ef_construction"], M=params["m"],
                     random_seed=100)
    index.set_num_threads(threads)
    start = time.perf_counter()
    index.add_items(base, np.arange(base.shape[0]))
    return index, time.perf_counter() - start


def recall_of(found, truth, k):
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(f.tolist()) & set(t.tolist()))
    return hits / (len(truth) * k)


def main(results):
    with open(os.path.join(results, "params.json")) as f:
        params = json.load(f)
    k = params["k"]
    base = read_f32(os.path.join(results, "base.f32"))
    queries = read_f32(os.path.join(results, "queries.f32"))
    truth = read_truth(os.path.join(results, "truth.i32"))
    assert len(truth) == len(queries) and truth.shape[1] == k
    print(f"python3-hnswlib: {base.shape[0]:,} base x {queries.shape[0]:,} queries, {base.shape[1]} dims, "
          f"M={params['m']}, efConstruction={params['ef_construction']}")
    rows = ["impl,layout,metric_name,value,ef"]

    def row(metric, value, ef=""):
        rows.append(f"hnswlib,hnswlib,{metric},{value},{ef}")

    threads = params["build_threads"]
    index, build_n = build(base, params, threads)
    print(f"  build, {threads} threads: {build_n:.1f} s")
    del index
    index, build_1 = build(base, params, 1)
    print(f"  build, 1 thread: {build_1:.1f} s")
    row("build_seconds_1thread", build_1)
    row(f"build_seconds_{threads}threads", build_n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "index.bin")
        index.save_index(path)
        size = os.path.getsize(path)
    print(f"  save_index size: {size / 1e6:.1f} MB (graph and vectors)")
    row("index_bytes", size)

    index.set_num_threads(1)
    for ef in (params["efs"][0], 64):  # warm up caches
        index.set_ef(ef)
        for q in queries[:1000]:
            index.knn_query(q, k=k)
    found = np.empty((len(queries), k), dtype=np.int64)
    for ef in params["efs"]:
        index.set_ef(ef)
        cpu0, start = time.thread_time(), time.perf_counter()
        for i, q in enumerate(queries):
            labels, _ = index.knn_query(q, k=k)
            found[i] = labels[0]
        seconds = time.perf_counter() - start
        # below 1: this thread was descheduled (another process on the cores), the QPS is low
        cpu_share = (time.thread_time() - cpu0) / seconds
        qps = len(queries) / seconds
        start = time.perf_counter()
        batch, _ = index.knn_query(queries, k=k, num_threads=1)
        batch_qps = len(queries) / (time.perf_counter() - start)
        recall = recall_of(found, truth, k)
        print(f"  hnswlib ef={ef:<4d} recall@10 {recall:.4f}  {qps:8.0f} QPS (1 thread, one query per call), "
              f"{batch_qps:8.0f} QPS (1 thread, one batch call)"
              + (f"  [cpu {cpu_share:.0%} of wall]" if cpu_share < 0.95 else ""))
        row("recall", recall, ef)
        row("qps_1thread", qps, ef)
        row("qps_batch_1thread", batch_qps, ef)
        row("cpu_share", cpu_share, ef)
    with open(os.path.join(results, "hnswlib.csv"), "w") as out:
        out.write("\n".join(rows) + "\n")
    print(f"wrote {os.path.join(results, 'hnswlib.csv')}")


if __name__ == "__main__":
    main(sys.argv[1])
