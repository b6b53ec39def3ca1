"""Merges embeddinghub.csv and hnswlib.csv: prints the table with ratios, writes report.md and
recall_vs_qps.png. Usage: report.py <results-dir>."""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    data = defaultdict(dict)
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["impl"], row["layout"])
            ef = int(row["ef"]) if row["ef"] else None
            data[key][(row["metric_name"], ef)] = float(row["value"])
    return data


def main(results):
    data = load(f"{results}/embeddinghub.csv")
    data.update(load(f"{results}/hnswlib.csv"))
    ref = data[("hnswlib", "one-file")]
    lines = []
    build1 = ref[("build_seconds_1thread", None)]
    ours = data[("embeddinghub", "index-only")][("build_seconds_1thread", None)]
    one = data[("embeddinghub", "one-file")]
    lines.append("| build | seconds | ratio to hnswlib 1-thread build |")
    lines.append("|---|---:|---:|")
    lines.append(f"| python3-hnswlib, 1 thread | {build1:.1f} | 1.00 |")
    lines.append(f"| python3-hnswlib, 2 threads | {ref[('build_seconds_2threads', None)]:.1f} | {ref[('build_seconds_2threads', None)] / build1:.2f} |")
    lines.append(f"| EmbeddingHub index only, 1 thread | {ours:.1f} | {ours / build1:.2f} |")
    write = one[("write_seconds_all_threads", None)]
    lines.append(f"| EmbeddingHub multiset (Parquet + index, 2 threads) | {write:.1f} | {write / build1:.2f} |")
    lines.append("")
    pq, ix = one[("parquet_bytes", None)], one[("index_bytes", None)]
    lines.append(f"On disk (one-file space): Parquet {pq / 1e6:.1f} MB, index {ix / 1e6:.1f} MB ({ix / pq:.1%} of the Parquet file).")
    lines.append("")
    lines.append("| layout | ef | recall@10 | QPS (1 thread) | QPS ratio to hnswlib | hnswlib recall@10 | hnswlib QPS |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    plt.figure(figsize=(8, 5))
    efs = sorted(ef for (name, ef) in ref if name == "qps_1thread")
    plt.plot([ref[("recall", ef)] for ef in efs], [ref[("qps_1thread", ef)] for ef in efs], "o-", label="python3-hnswlib (C++)")
    for layout in ["one-file", "many-files", "many-files-optimized"]:
        series = data.get(("embeddinghub", layout))
        if not series:
            continue
        for ef in efs:
            if ("qps_1thread", ef) not in series:
                continue
            r, q = series[("recall", ef)], series[("qps_1thread", ef)]
            lines.append(
                f"| {layout} | {ef} | {r:.4f} | {q:.0f} | {q / ref[('qps_1thread', ef)]:.2f} | {ref[('recall', ef)]:.4f} | {ref[('qps_1thread', ef)]:.0f} |")
        plt.plot([series[("recall", ef)] for ef in efs], [series[("qps_1thread", ef)] for ef in efs], "s-",
                 label=f"EmbeddingHub ({layout})")
    plt.xlabel("recall@10")
    plt.ylabel("queries per second (1 thread)")
    plt.yscale("log")
    import numpy as np
    n_base, dims = np.fromfile(f"{results}/base.f32", dtype="<i4", count=2)
    n_queries = np.fromfile(f"{results}/queries.f32", dtype="<i4", count=1)[0]
    plt.title(f"Fashion-MNIST {n_base:,} x {dims} ({n_queries:,} queries), L2, M=16, efConstruction=200")
    plt.grid(True, which="both", alpha=0.3)
    plt.legend()
    plt.tight_layout()
    plt.savefig(f"{results}/recall_vs_qps.png", dpi=120)
    report = "\n".join(lines)
    print(report)
    with open(f"{results}/report.md", "w") as out:
        out.write(report + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
