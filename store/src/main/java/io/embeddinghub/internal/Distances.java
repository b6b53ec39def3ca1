package io.embeddinghub.internal;

import io.embeddinghub.Metric;

/**
 * Scalar distance kernels over a query and one row of a flat vector array, accumulated in double
 * so that results do not depend on summation order at float precision. Smaller is nearer.
 */
public final class Distances {
  private Distances() {}

  /** Distance under {@code metric} between {@code query} and the row starting at {@code offset}. */
  public static float distance(Metric metric, float[] query, float[] data, int offset) {
    switch (metric) {
      case L2:
        return l2(query, data, offset);
      case COSINE:
        return cosine(query, data, offset);
      case INNER_PRODUCT:
        return innerProduct(query, data, offset);
      default:
        throw new AssertionError(metric);
    }
  }

  static float l2(float[] q, float[] data, int offset) {
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      double d = (double) q[i] - data[offset + i];
      sum += d * d;
    }
    return (float) Math.sqrt(sum);
  }

  static float cosine(float[] q, float[] data, int offset) {
    double dot = 0;
    double nq = 0;
    double nd = 0;
    for (int i = 0; i < q.length; i++) {
      double a = q[i];
      double b = data[offset + i];
      dot += a * b;
      nq += a * a;
      nd += b * b;
    }
    if (nq == 0 || nd == 0) {
      return 1f; // a zero query has no direction: every row is equally (un)related
    }
    return (float) (1.0 - dot / (Math.sqrt(nq) * Math.sqrt(nd)));
  }

  static float innerProduct(float[] q, float[] data, int offset) {
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * data[offset + i];
    }
    return (float) (1.0 - dot);
  }
}
