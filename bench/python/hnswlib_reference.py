"""python3-hnswlib (the C++ reference) on the same data, parameters and ground truth as
NearestNeighborBench. Usage: hnswlib_reference.py <results-dir>. Appends to hnswlib.csv."""
import sys
import time

import hnswlib
import numpy as np

K, M, EF_CONSTRUCTION = 10, 16, 200
EFS = [10, 16, 32, 64, 128, 256]


def read_f32(path):
    header = np.fromfile(path, dtype="<i4", count=2)
    return np.fromfile(path, dtype="<f4", offset=8).reshape(header[0], header[1])


def read_truth(path):
    header = np.fromfile(path, dtype="<i4", count=2)
    return np.fromfile(path, dtype="<i4", offset=8).reshape(header[0], header[1])


def build(base, threads):
    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.init_index(max_elements=base.shape[0], ef_construction=EF_CONSTRUCTION, M=M, random_seed=100)
    index.set_num_threads(threads)
    start = time.perf_counter()
    index.add_items(base, np.arange(base.shape[0]))
    return index, time.perf_counter() - start


def main(results):
    base = read_f32(f"{results}/base.f32")
    queries = read_f32(f"{results}/queries.f32")
    truth = read_truth(f"{results}/truth.i32")
    rows = ["impl,layout,metric_name,value,ef"]
    _, build2 = build(base, 2)
    index, build1 = build(base, 1)
    print(f"hnswlib build: 1 thread {build1:.1f} s, 2 threads {build2:.1f} s")
    rows.append(f"hnswlib,one-file,build_seconds_1thread,{build1},")
    rows.append(f"hnswlib,one-file,build_seconds_2threads,{build2},")
    index.set_num_threads(1)
    for q in queries[:200]:
        index.knn_query(q, k=K)
    for ef in EFS:
        index.set_ef(ef)
        found = np.empty((len(queries), K), dtype=np.int64)
        start = time.perf_counter()
        for i, q in enumerate(queries):
            labels, _ = index.knn_query(q, k=K)
            found[i] = labels[0]
        seconds = time.perf_counter() - start
        recall = np.mean([len(set(found[i]) & set(truth[i])) / K for i in range(len(queries))])
        qps = len(queries) / seconds
        print(f"  hnswlib ef={ef:<4d} recall@10 {recall:.4f}  {qps:8.0f} QPS (1 thread)")
        rows.append(f"hnswlib,one-file,recall,{recall},{ef}")
        rows.append(f"hnswlib,one-file,qps_1thread,{qps},{ef}")
    with open(f"{results}/hnswlib.csv", "w") as out:
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
