package io.embeddinghub.index;

import io.embeddinghub.Metric;
import java.util.function.IntPredicate;

/**
 * Brute-force pre-selection over rows that no index covers (raw vectors of a data file), with the
 * SIMD kernels: returns the accepted rows with the best {@code keep} scores, which the caller
 * re-ranks by exact distance. Scores order rows like the metric's distance: squared L2,
 * {@code -dot} for inner product, {@code -cos} for cosine.
 */
public final class TailScan {
  private static final ThreadLocal<SearchHeap> HEAP = ThreadLocal.withInitial(SearchHeap::new);

  private TailScan() {}

  /**
   * @param preparedQuery the query as {@link IndexedRows#prepareQuery} makes it
   * @param accept rows to consider, or null for all
   * @return up to {@code keep} row positions, in no particular order
   */
  public static int[] best(
      float[] preparedQuery, Metric metric, float[] flat, int dimensions, int rows, IntPredicate accept, int keep) {
    VectorKernels kernels = VectorKernels.best();
    SearchHeap worstOnTop = HEAP.get();
    worstOnTop.clear();
    for (int row = 0; row < rows; row++) {
      if (accept != null && !accept.test(row)) {
        continue;
      }
      int offset = row * dimensions;
      float score;
      if (metric == Metric.L2) {
        score = kernels.squaredL2(preparedQuery, 0, flat, offset, dimensions);
      } else if (metric == Metric.INNER_PRODUCT) {
        score = -kernels.dot(preparedQuery, 0, flat, offset, dimensions);
      } else {
        float norm = kernels.dot(flat, offset, flat, offset, dimensions);
        score = norm == 0 ? 0 : -kernels.dot(preparedQuery, 0, flat, offset, dimensions) / (float) Math.sqrt(norm);
      }
      if (worstOnTop.size() < keep) {
        worstOnTop.push(-score, row);
      } else if (score < -worstOnTop.topScore()) {
        worstOnTop.pop();
        worstOnTop.push(-score, row);
      }
    }
    int[] best = new int[worstOnTop.size()];
    for (int i = 0; i < best.length; i++) {
      best[i] = worstOnTop.topNode();
      worstOnTop.pop();
    }
    return best;
  }
}
