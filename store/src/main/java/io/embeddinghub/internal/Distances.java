package io.embeddinghub.internal;

/**
 * Scalar distance kernels over a query and one row of a flat vector array, accumulated in double
 * so that results do not depend on summation order at float precision. Smaller is nearer. The
 * metrics ({@link io.embeddinghub.Metric#distanceToRow}) pick their kernel here; the kernels know
 * nothing of them.
 */
public final class Distances {
  private Distances() {}

  /** Euclidean distance between {@code q} and the row of {@code data} starting at {@code offset}. */
  public static float l2(float[] q, float[] data, int offset) {
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      double d = (double) q[i] - data[offset + i];
      sum += d * d;
    }
    return (float) Math.sqrt(sum);
  }

  /** One minus the cosine similarity; 1 when either vector is zero. */
  public static float cosine(float[] q, float[] data, int offset) {
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

  /** One minus the inner product. */
  public static float innerProduct(float[] q, float[] data, int offset) {
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * data[offset + i];
    }
    return (float) (1.0 - dot);
  }
}
