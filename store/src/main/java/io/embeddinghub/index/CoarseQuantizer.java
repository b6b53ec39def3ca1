package io.embeddinghub.index;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import java.util.Random;

/**
 * The coarse quantizer of an IVF index: {@code k} centroids trained by k-means (Lloyd's
 * iterations, k-means++ seeding) on a sample of prepared rows. Each row goes to the partition of
 * its nearest centroid, and a query probes the partitions of its nearest centroids. Distances are
 * the graph's own (squared L2, or {@code 1 - dot} on unit vectors for cosine, where centroids are
 * re-normalised: spherical k-means). Immutable once trained.
 *
 * <p>With few centroids a row is compared with each. From {@link #GRAPH_FROM} centroids on, it
 * finds its nearest centroid through an HNSW graph over them (built once per quantizer, on first
 * use), as faiss's IVF-HNSW does: a few hundred distances instead of {@code k}, which at 10⁹ rows
 * and 11,444 centroids is the difference between hours and minutes of routing (docs/SCALING.md).
 * The walk may return a near-nearest centroid for a few rows (measured in
 * {@code CoarseQuantizerTest} and bench {@code RoutingBench}); that only moves the row to a
 * neighbouring partition, which queries probing that centroid still search.
 */
public final class CoarseQuantizer {
  private static final int ITERATIONS = 12;
  /** From this many centroids on, rows find their nearest centroid through a graph over them. */
  public static final int GRAPH_FROM = 1024;
  /** Candidates kept by the walk over the centroid graph. */
  static final int GRAPH_EF = 64;
  private static final IndexParams GRAPH_PARAMS = new IndexParams(16, 100, GRAPH_EF);

  private final float[][] centroids;
  private final Metric metric;
  private final int graphThreads;
  private volatile FlatHnswIndex graph; // built on first use from GRAPH_FROM centroids on

  /** A quantizer over {@code centroids} (not copied) whose centroid graph, if any, is built on one thread. */
  public CoarseQuantizer(float[][] centroids, Metric metric) {
    this(centroids, metric, 1);
  }

  /** @param graphThreads threads that build the centroid graph, when there are {@link #GRAPH_FROM} or more */
  public CoarseQuantizer(float[][] centroids, Metric metric, int graphThreads) {
    this.centroids = centroids;
    this.metric = metric;
    this.graphThreads = Math.max(1, graphThreads);
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
    int threads = Runtime.getRuntime().availableProcessors();
    int[] assignment = new int[n];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      CoarseQuantizer current = new CoarseQuantizer(centroids.clone(), metric, threads);
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
    return new CoarseQuantizer(centroids, metric, threads);
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

  /**
   * The centroid nearest to the prepared row at {@code offset} of {@code data}: exactly below
   * {@link #GRAPH_FROM} centroids, through the centroid graph from there on.
   */
  public int nearest(float[] data, int offset) {
    if (centroids.length >= GRAPH_FROM) {
      int dims = centroids[0].length;
      float[] row = offset == 0 && data.length == dims ? data : java.util.Arrays.copyOfRange(data, offset, offset + dims);
      java.util.List<RowHit> hits = graph().search(row, 1, GRAPH_EF, null);
      if (!hits.isEmpty()) {
        return hits.get(0).row();
      }
    }
    return nearestExactly(data, offset);
  }

  /** The centroid nearest to the prepared row at {@code offset} of {@code data}, comparing it with every one. */
  public int nearestExactly(float[] data, int offset) {
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

  private FlatHnswIndex graph() {
    FlatHnswIndex g = graph;
    if (g == null) {
      synchronized (this) {
        g = graph;
        if (g == null) {
          int dims = centroids[0].length;
          float[] flat = new float[centroids.length * dims];
          for (int c = 0; c < centroids.length; c++) {
            System.arraycopy(centroids[c], 0, flat, c * dims, dims);
          }
          HnswGraph built = GraphBuilders.DEFAULT.build(flat, dims, metric, GRAPH_PARAMS, graphThreads);
          g = new FlatHnswIndex(built, flat, dims, metric);
          graph = g;
        }
      }
    }
    return g;
  }
}
