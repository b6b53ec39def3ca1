package io.embeddinghub.index;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import io.embeddinghub.Metric;

/**
 * The graph's distance: squared L2 for {@link Metric#L2}, {@code 1 - dot} for inner product and
 * for cosine (whose vectors are normalised first). Serialized inside the graph as the metric and
 * dimensions only; the kernels are chosen by the reading JVM ({@link VectorKernels#best()}).
 */
final class IndexDistance implements DistanceFunction<IndexVector, Float> {
  private static final long serialVersionUID = 1L;

  private final Metric metric;
  private final int dimensions;

  IndexDistance(Metric metric, int dimensions) {
    this.metric = metric;
    this.dimensions = dimensions;
  }

  @Override
  public Float distance(IndexVector a, IndexVector b) {
    return distance(VectorKernels.best(), a, b);
  }

  float distance(VectorKernels kernels, IndexVector a, IndexVector b) {
    if (metric == Metric.L2) {
      return kernels.squaredL2(a.data(), a.offset(), b.data(), b.offset(), dimensions);
    }
    return 1f - kernels.dot(a.data(), a.offset(), b.data(), b.offset(), dimensions);
  }
}
