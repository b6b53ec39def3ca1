package io.embeddinghub;

import io.embeddinghub.index.VectorKernels;
import io.embeddinghub.internal.Errors;
import java.util.Locale;

/**
 * Distance metric of a space. Smaller is nearer for all three:
 *
 * <ul>
 *   <li>{@link #L2}: Euclidean distance {@code sqrt(sum((a-b)^2))}.
 *   <li>{@link #COSINE}: {@code 1 - cos(a, b)}, in [0, 2]; zero vectors are rejected.
 *   <li>{@link #INNER_PRODUCT}: {@code 1 - dot(a, b)} (the hnswlib convention), so the largest
 *       inner product is the nearest.
 * </ul>
 */
public enum Metric {
  /** Euclidean distance; id {@code l2}. */
  L2("l2"),
  /** One minus the cosine similarity; id {@code cosine}. */
  COSINE("cosine"),
  /** One minus the inner product; id {@code inner_product}. */
  INNER_PRODUCT("inner_product");

  private final String id;

  Metric(String id) {
    this.id = id;
  }

  /** {@return the stable name written to the log and accepted by {@link #parse(String)}} */
  public String id() {
    return id;
  }

  /**
   * Parses {@code l2}/{@code euclidean}, {@code cosine}, {@code inner_product}/{@code ip}/{@code dot}.
   *
   * @param name the metric name, case-insensitive, surrounding whitespace ignored
   * @return the metric
   * @throws InvalidInputException if {@code name} is null or names no metric
   */
  public static Metric parse(String name) {
    if (name == null) {
      throw Errors.metricNameNull();
    }
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "l2":
      case "euclidean":
        return L2;
      case "cosine":
        return COSINE;
      case "inner_product":
      case "ip":
      case "dot":
        return INNER_PRODUCT;
      default:
        throw Errors.unknownMetric(name);
    }
  }

  /**
   * Distance between two vectors of equal length under this metric.
   *
   * @param a one vector
   * @param b the other vector, of the same length
   * @return the distance; smaller is nearer
   * @throws InvalidInputException if a vector is null or the lengths differ
   */
  public float distance(float[] a, float[] b) {
    Errors.checkNotNull(a, "a");
    Errors.checkNotNull(b, "b");
    if (a.length != b.length) {
      throw Errors.dimensionsDiffer(a.length, b.length);
    }
    return distanceToRow(a, b, 0);
  }

  /**
   * Distance under this metric between a query and one row of a flat array of rows: the kernel of
   * every search. Lengths are not checked beyond the array bounds.
   *
   * @param query the query vector
   * @param rows rows of {@code query.length} values each, back to back
   * @param offset where the row starts in {@code rows}
   * @return the distance; smaller is nearer
   * @throws InvalidInputException if a vector is null
   * @throws ArrayIndexOutOfBoundsException if the row does not fit in {@code rows}
   */
  public float distanceToRow(float[] query, float[] rows, int offset) {
    Errors.checkNotNull(query, "query");
    Errors.checkNotNull(rows, "rows");
    int length = query.length;
    if (offset < 0 || offset > rows.length - length) {
      throw new ArrayIndexOutOfBoundsException("a row of " + length + " values at offset " + offset
          + " does not fit in " + rows.length + " values");
    }
    // sums in double, in the kernels' fixed order: a row's distance has the same bits on every path
    VectorKernels kernels = VectorKernels.best();
    switch (this) {
      case L2:
        return (float) Math.sqrt(kernels.exactSquaredL2(query, 0, rows, offset, length));
      case COSINE:
        double dot = kernels.exactDot(query, 0, rows, offset, length);
        double queryNorm = kernels.exactDot(query, 0, query, 0, length);
        double rowNorm = kernels.exactDot(rows, offset, rows, offset, length);
        if (queryNorm == 0 || rowNorm == 0) {
          return 1f; // a zero vector has no direction: every row is equally (un)related
        }
        return (float) (1.0 - dot / (Math.sqrt(queryNorm) * Math.sqrt(rowNorm)));
      case INNER_PRODUCT:
        return (float) (1.0 - kernels.exactDot(query, 0, rows, offset, length));
      default:
        throw new AssertionError(this);
    }
  }
}
