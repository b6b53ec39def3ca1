package io.embeddinghub.testing;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Run in a JVM with a small heap (see {@code MemoryBoundsTest}): bulk loads a space several times
 * larger than the heap, overwrites and deletes some rows, optimizes it (compaction and index
 * build), then checks multiget and kNN against the generator itself (every row's vector is a
 * function of its number, so the oracle needs no memory). Prints {@code OK} and exits 0, or
 * fails with the first wrong answer (or an OutOfMemoryError).
 *
 * <p>Arguments: hub root, rows, dimensions.
 */
public final class MemoryBoundWorkload {
  private static final int CLUSTERS = 64;
  private static final int QUERIES = 20;
  /** Exact searches scan the whole space through a small cache: a few prove them. */
  private static final int EXACT_QUERIES = 3;
  private static final int K = 10;

  private MemoryBoundWorkload() {}

  public static void main(String[] args) {
    String root = args[0];
    int rows = Integer.parseInt(args[1]);
    int dims = Integer.parseInt(args[2]);
    long heap = Runtime.getRuntime().maxMemory();
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0); // one index build, by optimize: bounded test time
    // a small worker's settings: the two caches take a quarter of the heap together (default: half)
    conf.setLong(HubProperties.CACHE_MAX_BYTES, heap / 8);
    conf.setLong(HubProperties.INDEX_CACHE_MAX_BYTES, heap / 8);
    EmbeddingHub hub = EmbeddingHub.open(root, conf);
    Space space = hub.createSpace(SpaceSpec.builder("big", dims)
        .indexParams(new IndexParams(8, 32, 64).withPartitionBytes(2L << 20))
        .targetFileBytes(4L << 20)
        .build());

    long started = System.nanoTime();
    space.multiset(rows(0, rows, dims, 0));
    overwrittenBelow = rows / 10;
    space.multiset(rows(0, overwrittenBelow, dims, 1)); // overwrite the first tenth
    List<String> doomed = new ArrayList<>();
    for (int i = 50; i < rows; i += 100) {
      doomed.add(key(i));
    }
    space.multidelete(doomed);
    long loaded = System.nanoTime();
    System.out.printf("loaded in %.1fs%n", (loaded - started) / 1e9);
    OptimizeResult optimized = space.optimize();
    long optimizedAt = System.nanoTime();
    long spaceBytes = (long) rows * dims * 4;
    check(spaceBytes >= 3 * heap, "the space (" + spaceBytes + " bytes of vectors) is not 3x the heap (" + heap + ")");
    check(space.unindexedRows() == 0, "rows left unindexed after optimize: " + space.unindexedRows());
    check(space.size() == rows - doomed.size(), "size " + space.size() + ", expected " + (rows - doomed.size()));

    SplittableRandom random = new SplittableRandom(5);
    List<String> keys = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int n = random.nextInt(rows);
      if (n % 100 != 50) {
        keys.add(key(n));
        numbers.add(n);
      }
    }
    System.out.printf("optimized in %.1fs%n", (System.nanoTime() - loaded) / 1e9);
    List<float[]> got = space.multiget(keys);
    for (int i = 0; i < keys.size(); i++) {
      check(java.util.Arrays.equals(got.get(i), current(numbers.get(i), dims)), "multiget of " + keys.get(i));
    }

    System.out.printf("multiget checked at %.1fs%n", (System.nanoTime() - loaded) / 1e9);
    float[][] queries = new float[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      queries[q] = vector(random.nextInt(rows), dims, 7);
    }
    List<List<String>> truth = bruteForce(queries, rows, dims);
    double hits = 0;
    for (int q = 0; q < QUERIES; q++) {
      List<String> approx = space.nearestNeighbors(K, queries[q]).stream().map(Neighbor::key).toList();
      hits += approx.stream().filter(truth.get(q)::contains).count();
      if (q < EXACT_QUERIES) {
        List<String> exact = space.nearestNeighbors(K, queries[q], SearchOptions.exactSearch()).stream().map(Neighbor::key).toList();
        check(exact.equals(truth.get(q)), "exact kNN of query " + q + ": " + exact + " vs " + truth.get(q));
      }
    }
    double recall = hits / (QUERIES * K);
    check(recall >= 0.6, "recall@10 " + recall);
    long done = System.nanoTime();
    System.out.printf("OK heap=%dMiB vectors=%dMiB load=%.1fs optimize=%.1fs (files %d -> %d, %d partitions) reads=%.1fs recall=%.3f%n",
        heap >> 20, spaceBytes >> 20, (loaded - started) / 1e9, (optimizedAt - loaded) / 1e9,
        optimized.filesRemoved(), optimized.filesAdded(), optimized.partitionsBuilt(), (done - optimizedAt) / 1e9, recall);
  }

  static String key(int n) {
    return String.format("k%08d", n);
  }

  /** Rows below this number were overwritten (generation 1). */
  private static int overwrittenBelow;

  /** Row {@code n}'s vector as the workload leaves it. */
  private static float[] current(int n, int dims) {
    return vector(n, dims, n < overwrittenBelow ? 1 : 0);
  }

  /** A clustered vector, a function of the row number and its generation. */
  static float[] vector(int n, int dims, int generation) {
    SplittableRandom center = new SplittableRandom(1_000_003L * (n % CLUSTERS));
    SplittableRandom noise = new SplittableRandom(((long) n << 3) + generation);
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) (center.nextDouble(-4, 4) + noise.nextGaussian());
    }
    return v;
  }

  private static Iterator<Map.Entry<String, float[]>> rows(int from, int to, int dims, int generation) {
    return IntStream.range(from, to)
        .mapToObj(n -> (Map.Entry<String, float[]>) new AbstractMap.SimpleImmutableEntry<>(key(n), vector(n, dims, generation)))
        .iterator();
  }

  /** The true k nearest of each query by L2 ({@link BruteForceKnn}), streaming over the generator. */
  private static List<List<String>> bruteForce(float[][] queries, int rows, int dims) {
    List<BruteForceKnn.TopK> tops = new ArrayList<>();
    for (float[] query : queries) {
      tops.add(new BruteForceKnn.TopK(Metric.L2, query, K));
    }
    for (int n = 0; n < rows; n++) {
      if (n % 100 == 50) {
        continue;
      }
      String key = key(n);
      float[] v = current(n, dims);
      for (BruteForceKnn.TopK top : tops) {
        top.offer(key, v);
      }
    }
    return tops.stream().map(BruteForceKnn.TopK::keys).toList();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("Memory-bound workload: wrong " + what);
    }
  }
}
