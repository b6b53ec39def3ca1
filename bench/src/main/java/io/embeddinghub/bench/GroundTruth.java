package io.embeddinghub.bench;

import io.embeddinghub.Metric;
import io.embeddinghub.index.ExactIndex;
import io.embeddinghub.index.RowHit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact top-k (L2) of every query by brute force, in parallel; cached in a file. Two file formats:
 * the binary cache of {@link #load} (SparkBench), and the text format of the native hnswlib
 * reference ({@code bench/native}: one line per query, k space-separated base ids, nearest first),
 * read and written by {@link #loadText} so that the Java, native and python rows of one run share
 * one ground truth.
 */
final class GroundTruth {
  private GroundTruth() {}

  /**
   * The ground truth in {@code file} (text format) when it exists and covers {@code queries}
   * queries with ids below {@code baseRows}; otherwise computed by {@link #exact} and written there.
   */
  static int[][] loadText(Path file, float[] flatBase, int dims, float[][] queries, int k, int threads)
      throws Exception {
    int baseRows = flatBase.length / dims;
    if (Files.exists(file)) {
      int[][] truth = readText(file, queries.length, baseRows, k);
      if (truth != null) {
        return truth;
      }
      System.out.println("ground truth " + file + " does not fit this data: recomputing it");
    }
    int[][] truth = exact(flatBase, dims, queries, k, threads);
    writeText(file, truth);
    return truth;
  }

  /** The first {@code queries} lines of a text ground truth; null when it has fewer or bad ids. */
  static int[][] readText(Path file, int queries, int baseRows, int k) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.size() < queries) {
      return null;
    }
    int[][] truth = new int[queries][k];
    for (int q = 0; q < queries; q++) {
      String[] ids = lines.get(q).trim().split("\\s+");
      if (ids.length < k) {
        return null;
      }
      for (int j = 0; j < k; j++) {
        int id = Integer.parseInt(ids[j]);
        if (id < 0 || id >= baseRows) {
          return null;
        }
        truth[q][j] = id;
      }
    }
    return truth;
  }

  static void writeText(Path file, int[][] truth) throws IOException {
    StringBuilder out = new StringBuilder();
    for (int[] row : truth) {
      for (int j = 0; j < row.length; j++) {
        out.append(row[j]).append(j + 1 < row.length ? ' ' : '\n');
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, out);
  }

  /**
   * Exact top-k by a plain loop (no SIMD kernels: independent of the code under test), squared L2
   * accumulated in double (exact for integer pixel values), ties to the lower id, as the native
   * tool does; queries split over {@code threads} threads.
   */
  static int[][] exact(float[] flatBase, int dims, float[][] queries, int k, int threads) throws Exception {
    int baseRows = flatBase.length / dims;
    int[][] truth = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
      List<Future<?>> parts = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        parts.add(pool.submit(() -> {
          double[] topD = new double[k];
          int[] topI = new int[k];
          for (int q; (q = next.getAndIncrement()) < queries.length; ) {
            float[] a = queries[q];
            int size = 0;
            for (int i = 0; i < baseRows; i++) {
              int off = i * dims;
              double d = 0;
              for (int j = 0; j < dims; j++) {
                double x = (double) a[j] - flatBase[off + j];
                d += x * x;
              }
              if (size == k && d >= topD[k - 1]) {
                continue;
              }
              int pos = size == k ? k - 1 : size++;
              while (pos > 0 && topD[pos - 1] > d) { // strictly greater: an equal distance keeps the lower id first
                topD[pos] = topD[pos - 1];
                topI[pos] = topI[pos - 1];
                pos--;
              }
              topD[pos] = d;
              topI[pos] = i;
            }
            truth[q] = Arrays.copyOf(topI, size);
          }
          return null;
        }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return truth;
  }

  static int[][] load(Path cache, float[][] base, float[][] queries, int k, int threads) throws Exception {
    if (Files.exists(cache)) {
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(cache)).order(ByteOrder.LITTLE_ENDIAN);
      int n = buf.getInt();
      int kk = buf.getInt();
      int baseRows = buf.getInt();
      if (n == queries.length && kk == k && baseRows == base.length) {
        int[][] truth = new int[n][k];
        for (int[] row : truth) {
          for (int j = 0; j < k; j++) {
            row[j] = buf.getInt();
          }
        }
        return truth;
      }
    }
    int dims = base[0].length;
    float[] flat = new float[base.length * dims];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dims, dims);
    }
    ExactIndex exact = new ExactIndex(flat, dims, Metric.L2);
    int[][] truth = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] parts = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts[t] =
            pool.submit(
                () -> {
                  for (int q = first; q < queries.length; q += threads) {
                    List<RowHit> hits = exact.search(queries[q], k, 0, row -> true);
                    truth[q] = hits.stream().mapToInt(RowHit::row).toArray();
                  }
                });
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    write(cache, truth, k, base.length);
    return truth;
  }

  private static void write(Path file, int[][] truth, int k, int baseRows) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(12 + truth.length * k * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(truth.length).putInt(k).putInt(baseRows);
    for (int[] row : truth) {
      for (int r : row) {
        buf.putInt(r);
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, buf.array());
  }
}
