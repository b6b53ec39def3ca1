package io.embeddinghub.index;

import io.embeddinghub.IndexParams;

/**
 * The heap one index partition build needs ({@code IndexBuilder}'s build of one partition with
 * {@link FlatHnswBuilder}: the rows as a task holds them, the graph, the recall sample, the file),
 * so that an engine can size partitions to the memory budget of the JVM that builds them.
 *
 * <p>The estimate is the largest of the build's phases, per row ({@code d} dimensions, {@code M}
 * links, {@code T} build threads, {@code K} UTF-8 bytes a key), then a GC headroom and a constant:
 *
 * <pre>
 *   rows held throughout   4d (vectors, prepared and permuted in place) + 12 (file, position, tail file)
 *                          + 8 (cosine's unit-length factors, counted for every metric)
 *   0 keys being encoded   + string(K) + 4 + K + 4          string(K) = 4 + 24 + align8(16 + K)
 *   A construction         + 8 + K (keys as UTF-8 + offsets) + 4 (2M + 1) (layer-0 slots) + 1 (level)
 *                          + upper(M) + 4T (visited sets)   upper(M) = 4 + (4 (M + 1) + 16) / (M - 1)
 *   B renumbering          A - 4T + 12 (order, inverse, offsets) + upper(M)
 *   C keys reordered       4d + 12 + 4 (2M + 1) + 4 + upper(M) + 4 (order) + 8 + K + 4 + K
 *   D searchable           4d + 12 + 4 (2M + 1) + 1 + upper(M) + 8 + K + d + 4 (one-byte codes and
 *                          their sums or squares: FlatHnswIndex's walk, which the recall sample
 *                          searches; four-bit codes are half of d)
 *   E written              D + 16 (each row's offset in its data file, and each file's row offsets:
 *                          VectorLocations)
 *   peak = HEADROOM x rows x max(0, A, B, C, D, E) + FIXED
 * </pre>
 *
 * with {@link #HEADROOM} and {@link #FIXED} measured with {@code PartitionBuildDriver} under G1:
 * the smallest {@code -Xmx} a build succeeds in is under the estimate ({@code BuildMemoryTest}
 * builds at the estimate in a forked JVM).
 */
public final class BuildMemory {
  /** Key length assumed by the short forms: UTF-8 bytes a key. */
  public static final int DEFAULT_KEY_BYTES = 32;
  /** Heap over the live peak that the collector needs to run a build without failing. */
  public static final double HEADROOM = 1.25;
  /** What a build needs whatever its size: lock stripes, I/O buffers, scratch, the JVM's own objects. */
  public static final long FIXED = 24L << 20;

  private BuildMemory() {}

  /**
   * An upper estimate of the heap a build of one partition of {@code rows} rows needs, with keys
   * of {@value #DEFAULT_KEY_BYTES} UTF-8 bytes and as many build threads as processors.
   */
  public static long peakBytes(long rows, int dims, IndexParams params) {
    return peakBytes(rows, dims, params, DEFAULT_KEY_BYTES, Runtime.getRuntime().availableProcessors());
  }

  /**
   * An upper estimate of the heap a build of one partition needs.
   *
   * @param rows rows in the partition
   * @param dims vector dimensions
   * @param params the space's index parameters (M counts)
   * @param keyBytes average UTF-8 bytes of a key
   * @param threads graph build threads ({@code embeddinghub.index.build-threads})
   */
  public static long peakBytes(long rows, int dims, IndexParams params, int keyBytes, int threads) {
    if (rows <= 0) {
      return FIXED;
    }
    return (long) Math.ceil(HEADROOM * rows * bytesPerRow(dims, params, keyBytes, threads)) + FIXED;
  }

  /** The most rows of one partition whose build fits {@code budgetBytes} ({@link #peakBytes} inverted); 0 if none. */
  public static long maxRowsFor(long budgetBytes, int dims, IndexParams params) {
    return maxRowsFor(budgetBytes, dims, params, DEFAULT_KEY_BYTES, Runtime.getRuntime().availableProcessors());
  }

  /** {@link #maxRowsFor(long, int, IndexParams)} for keys of {@code keyBytes} and {@code threads} build threads. */
  public static long maxRowsFor(long budgetBytes, int dims, IndexParams params, int keyBytes, int threads) {
    if (budgetBytes <= FIXED) {
      return 0;
    }
    long rows = (long) Math.floor((budgetBytes - FIXED) / (HEADROOM * bytesPerRow(dims, params, keyBytes, threads)));
    rows = Math.min(rows, Integer.MAX_VALUE / Math.max(dims, 2L * params.m() + 1)); // one array of a partition
    while (rows > 0 && peakBytes(rows, dims, params, keyBytes, threads) > budgetBytes) {
      rows--; // rounding
    }
    return Math.max(0, rows);
  }

  /** The live bytes a row costs at the build's largest phase (see the class comment). */
  static double bytesPerRow(int dims, IndexParams params, int keyBytes, int threads) {
    int m = params.m();
    double held = 4.0 * dims + 12 + 8;
    double string = 4 + 24 + align8(16 + keyBytes);
    double keys = 8 + keyBytes;
    double layer0 = 4.0 * (2 * m + 1);
    double upper = 4 + (4.0 * (m + 1) + 16) / (m - 1);
    double encoding = held + string + keys;
    double construction = held + keys + layer0 + 1 + upper + 4.0 * threads;
    double renumbering = construction - 4.0 * threads + 12 + upper;
    double reordering = held + layer0 + 4 + upper + 4 + keys + 4 + keyBytes;
    double searchable = held + layer0 + 1 + upper + keys + dims + 4;
    double written = searchable + 16;
    return Math.max(Math.max(Math.max(encoding, construction), Math.max(renumbering, reordering)), written);
  }

  private static long align8(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
