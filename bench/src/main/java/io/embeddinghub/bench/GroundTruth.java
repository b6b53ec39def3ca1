package io.embeddinghub.bench;

import io.embeddinghub.Metric;
import io.embeddinghub.index.ExactIndex;
import io.embeddinghub.index.RowHit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Exact top-k (L2) of every query by brute force, in parallel; cached in a file. */
final class GroundTruth {
  private GroundTruth() {}

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
