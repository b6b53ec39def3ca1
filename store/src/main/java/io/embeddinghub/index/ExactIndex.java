package io.embeddinghub.index;

import io.embeddinghub.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/** Brute-force search over prepared rows: exact, the oracle for every approximate index. */
public final class ExactIndex implements VectorIndex {
  private final float[] rows;
  private final int dimensions;
  private final IndexDistance distance;

  /** @param preparedRows rows prepared by {@link IndexedRows#prepare} */
  public ExactIndex(float[] preparedRows, int dimensions, Metric metric) {
    this.rows = preparedRows;
    this.dimensions = dimensions;
    this.distance = new IndexDistance(metric, dimensions);
  }

  @Override
  public List<RowHit> search(float[] preparedQuery, int k, int ef, IntPredicate accept) {
    if (k <= 0) {
      return List.of();
    }
    VectorKernels kernels = VectorKernels.best();
    IndexVector query = new IndexVector(preparedQuery, 0);
    PriorityQueue<RowHit> top =
        new PriorityQueue<>(k, (a, b) -> Float.compare(b.indexDistance(), a.indexDistance()));
    int n = rows();
    for (int row = 0; row < n; row++) {
      if (!accept.test(row)) {
        continue;
      }
      float d = distance.distance(kernels, query, new IndexVector(rows, row * dimensions));
      if (top.size() < k) {
        top.add(new RowHit(row, d));
      } else if (d < top.peek().indexDistance()) {
        top.poll();
        top.add(new RowHit(row, d));
      }
    }
    List<RowHit> hits = new ArrayList<>(top);
    hits.sort((a, b) -> Float.compare(a.indexDistance(), b.indexDistance()));
    return hits;
  }

  @Override
  public int rows() {
    return rows.length / dimensions;
  }

  @Override
  public long memoryBytes() {
    return 0;
  }

  @Override
  public String backend() {
    return "exact";
  }
}
