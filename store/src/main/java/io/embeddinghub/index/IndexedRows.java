package io.embeddinghub.index;

import io.embeddinghub.Metric;

/**
 * The vectors an index searches, prepared for its metric: the rows themselves for L2 and inner
 * product, unit-length copies for cosine (so cosine distance is {@code 1 - dot}).
 */
public final class IndexedRows {
  private IndexedRows() {}

  /** Rows as the index sees them; the input array itself unless the metric is cosine. */
  public static float[] prepare(float[] flat, int dimensions, Metric metric) {
    if (metric != Metric.COSINE) {
      return flat;
    }
    float[] unit = new float[flat.length];
    for (int offset = 0; offset < flat.length; offset += dimensions) {
      normalizeInto(flat, offset, unit, offset, dimensions);
    }
    return unit;
  }

  /** A query as the index sees it (a unit-length copy for cosine). */
  public static float[] prepareQuery(float[] query, Metric metric) {
    if (metric != Metric.COSINE) {
      return query;
    }
    float[] unit = new float[query.length];
    normalizeInto(query, 0, unit, 0, query.length);
    return unit;
  }

  private static void normalizeInto(float[] from, int fromOff, float[] to, int toOff, int dims) {
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      norm += (double) from[fromOff + i] * from[fromOff + i];
    }
    double scale = norm == 0 ? 0 : 1.0 / Math.sqrt(norm);
    for (int i = 0; i < dims; i++) {
      to[toOff + i] = (float) (from[fromOff + i] * scale);
    }
  }
}
