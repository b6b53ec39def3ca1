package io.embeddinghub.testing;

import io.embeddinghub.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The brute-force k-nearest-neighbors oracle of every store and connector test: each row compared
 * with the query, the distances written from the definitions in {@link Metric}'s Javadoc (L2
 * {@code sqrt(sum((a-b)^2))}, cosine {@code 1 - cos}, inner product {@code 1 - dot}) and computed
 * here in double precision. It uses no production distance code ({@code Metric} only names the
 * metric), so a bug in the store's kernels cannot hide in its own oracle.
 *
 * <p>Order: nearest first by the distance rounded to {@code float} (the precision a {@code
 * Neighbor} reports, so rows whose distances the store cannot tell apart count as a tie), ties by
 * key (for rows of an array: by index). This is the order the store promises for exact search.
 */
public final class BruteForceKnn {
  private BruteForceKnn() {}

  /** One answer: a key and its distance in double precision. */
  public record Hit(String key, double distance) {}

  private static final Comparator<Hit> NEAREST_FIRST =
      Comparator.<Hit>comparingDouble(h -> (float) h.distance()).thenComparing(Hit::key);

  /** The distance between {@code a} and {@code b} under {@code metric}, in double precision. */
  public static double distance(Metric metric, float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    double squares = 0;
    for (int i = 0; i < a.length; i++) {
      double x = a[i];
      double y = b[i];
      dot += x * y;
      na += x * x;
      nb += y * y;
      squares += (x - y) * (x - y);
    }
    return switch (metric) {
      case L2 -> Math.sqrt(squares);
      case COSINE -> 1 - dot / (Math.sqrt(na) * Math.sqrt(nb));
      case INNER_PRODUCT -> 1 - dot;
    };
  }

  /** The {@code k} rows of {@code rows} nearest to {@code query}, nearest first; {@code excluded} (may be null) left out. */
  public static List<Hit> nearest(Metric metric, Map<String, float[]> rows, float[] query, int k, String excluded) {
    TopK top = new TopK(metric, query, k);
    rows.forEach((key, v) -> {
      if (!key.equals(excluded)) {
        top.offer(key, v);
      }
    });
    return top.hits();
  }

  /** The keys of {@link #nearest}. */
  public static List<String> nearestKeys(Metric metric, Map<String, float[]> rows, float[] query, int k, String excluded) {
    return keys(nearest(metric, rows, query, k, excluded));
  }

  /** The indices of the {@code k} vectors of {@code rows} nearest to {@code query}, nearest first, ties by index. */
  public static int[] nearestIndices(Metric metric, float[][] rows, float[] query, int k) {
    Integer[] order = new Integer[rows.length];
    double[] distances = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      order[i] = i;
      distances[i] = distance(metric, query, rows[i]);
    }
    java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> (float) distances[i]).thenComparingInt(i -> i));
    int n = Math.min(k, rows.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = order[i];
    }
    return out;
  }

  public static List<String> keys(List<Hit> hits) {
    return hits.stream().map(Hit::key).toList();
  }

  /**
   * The {@code k} nearest of rows offered one at a time, in memory for {@code k} rows only: for
   * workloads that generate more rows than a test can hold.
   */
  public static final class TopK {
    private final Metric metric;
    private final float[] query;
    private final int k;
    private final PriorityQueue<Hit> farthestFirst = new PriorityQueue<>(NEAREST_FIRST.reversed());

    public TopK(Metric metric, float[] query, int k) {
      if (k < 0) {
        throw new IllegalArgumentException("k = " + k);
      }
      this.metric = metric;
      this.query = query.clone();
      this.k = k;
    }

    /** Considers the row {@code key} with vector {@code vector}. */
    public void offer(String key, float[] vector) {
      if (k == 0) {
        return;
      }
      Hit hit = new Hit(key, distance(metric, query, vector));
      if (farthestFirst.size() < k) {
        farthestFirst.add(hit);
      } else if (NEAREST_FIRST.compare(hit, farthestFirst.peek()) < 0) {
        farthestFirst.poll();
        farthestFirst.add(hit);
      }
    }

    /** The nearest rows offered so far, nearest first. */
    public List<Hit> hits() {
      List<Hit> out = new ArrayList<>(farthestFirst);
      out.sort(NEAREST_FIRST);
      return out;
    }

    public List<String> keys() {
      return BruteForceKnn.keys(hits());
    }
  }
}
