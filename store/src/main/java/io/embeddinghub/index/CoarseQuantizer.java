package io.embeddinghub.index;

import io.embeddinghub.Metric;
import java.util.Random;

/**
 * The coarse quantizer of an IVF index: {@code k} centroids trained by k-means (Lloyd's
 * iterations, k-means++ seeding) on a sample of prepared rows. Each row goes to the partition of
 * its nearest centroid, and a query probes the partitions of its nearest centroids. Distances are
 * the graph's own (squared L2, or {@code 1 - dot} on unit vectors for cosine, where centroids are
 * re-normalised: spherical k-means). Immutable once trained.
 */
public final class CoarseQuantizer {
  private static final int ITERATIONS = 12;

  private final float[][] centroids;
  private final Metric metric;

  public CoarseQuantizer(float[][] centroids, Metric metric) {
    this.centroids = centroids;
    this.metric = metric;
  }

  /** Trains {@code k} centroids on {@code sample} (prepared rows, {@code dimensions} floats each). */
  public static CoarseQuantizer train(float[] sample, int dimensions, int k, Metric metric, long seed) {
    int n = sample.length / dimensions;
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("cannot train " + k + " centroids on " + n + " rows");
    }
    VectorKernels kernels = VectorKernels.best();
    Random random = new Random(seed);
    float[][] centroids = new float[k][];
    float[] nearest = new float[n];
    java.util.Arrays.fill(nearest, Float.MAX_VALUE);
    int first = random.nextInt(n);
    centroids[0] = java.util.Arrays.copyOfRange(sample, first * dimensions, (first + 1) * dimensions);
    for (int c = 1; c < k; c++) { // k-means++: next centroid with probability ~ squared distance
      float[] latest = centroids[c - 1];
      java.util.stream.IntStream.range(0, n).parallel().forEach(i ->
          nearest[i] = Math.min(nearest[i], kernels.squaredL2(sample, i * dimensions, latest, 0, dimensions)));
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += nearest[i];
      }
      double pick = random.nextDouble() * total;
      int chosen = n - 1;
      for (int i = 0; i < n; i++) {
        pick -= nearest[i];
        if (pick <= 0) {
          chosen = i;
          break;
        }
      }
      centroids[c] = java.util.Arrays.copyOfRange(sample, chosen * dimensions, (chosen + 1) * dimensions);
    }
    CoarseQuantizer q = new CoarseQuantizer(centroids, metric);
    int[] assignment = new int[n];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      CoarseQuantizer current = q;
      // rows are independent: on all cores, same result as one thread
      java.util.stream.IntStream.range(0, n).parallel().forEach(i -> assignment[i] = current.nearest(sample, i * dimensions));
      double[][] sums = new double[k][dimensions];
      int[] counts = new int[k];
      for (int i = 0; i < n; i++) {
        int c = assignment[i];
        counts[c]++;
        for (int d = 0; d < dimensions; d++) {
          sums[c][d] += sample[i * dimensions + d];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) { // an empty cluster restarts at a random row
          int row = random.nextInt(n);
          centroids[c] = java.util.Arrays.copyOfRange(sample, row * dimensions, (row + 1) * dimensions);
          continue;
        }
        float[] mean = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
          mean[d] = (float) (sums[c][d] / counts[c]);
        }
        centroids[c] = metric == Metric.COSINE ? IndexedRows.prepareQuery(mean, metric) : mean;
      }
    }
    return q;
  }

  public int size() {
    return centroids.length;
  }

  /** Centroid {@code c} (not a copy). */
  public float[] centroid(int c) {
    return centroids[c];
  }

  /** How far the prepared row at {@code offset} of {@code data} is from {@code centroid}: smaller is nearer. */
  public static float score(Metric metric, float[] data, int offset, float[] centroid) {
    VectorKernels kernels = VectorKernels.best();
    return metric == Metric.L2
        ? kernels.squaredL2(data, offset, centroid, 0, centroid.length)
        : -kernels.dot(data, offset, centroid, 0, centroid.length);
  }

  /** The centroid nearest to the prepared row at {@code offset} of {@code data}. */
  public int nearest(float[] data, int offset) {
    int best = 0;
    float bestScore = Float.MAX_VALUE;
    for (int c = 0; c < centroids.length; c++) {
      float s = score(metric, data, offset, centroids[c]);
      if (s < bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  }
}
