package io.embeddinghub.bench;

import io.embeddinghub.Metric;
import io.embeddinghub.index.CoarseQuantizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Routing rows to the nearest of {@code k} centroids (the map side of a split index build,
 * docs/SCALING.md): comparing a row with every centroid against walking an HNSW graph over the
 * centroids ({@link CoarseQuantizer} from {@link CoarseQuantizer#GRAPH_FROM} centroids on), on one
 * thread, in one run. Rows: Fashion-MNIST test vectors (784-d); centroids: the first {@code k}
 * training vectors. Reports rows per second per core for both, the speed-up, the share of rows
 * the graph sends to their exactly nearest centroid and the graph's build time.
 *
 * <p>Arguments: {@code train-images.gz test-images.gz [rows] [k,k,...] [results-dir]}, defaults
 * 2,000 rows and 1024,4096,11444 centroids, bench/results.
 */
public final class RoutingBench {
  private RoutingBench() {}

  public static void main(String[] args) throws Exception {
    int rowCount = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    String[] ks = (args.length > 3 ? args[3] : "1024,4096,11444").split(",");
    Path results = Path.of(args.length > 4 ? args[4] : "bench/results");
    int maxK = 0;
    for (String k : ks) {
      maxK = Math.max(maxK, Integer.parseInt(k));
    }
    float[][] base = FashionMnist.read(Path.of(args[0]), maxK);
    float[][] queries = FashionMnist.read(Path.of(args[1]), rowCount);
    int dims = queries[0].length;
    float[] rows = new float[rowCount * dims];
    for (int i = 0; i < rowCount; i++) {
      System.arraycopy(queries[i], 0, rows, i * dims, dims);
    }
    List<String> lines = new ArrayList<>();
    for (String kText : ks) {
      int k = Integer.parseInt(kText);
      float[][] centroids = java.util.Arrays.copyOf(base, k);
      CoarseQuantizer quantizer = new CoarseQuantizer(centroids, Metric.L2, Runtime.getRuntime().availableProcessors());
      long t0 = System.nanoTime();
      quantizer.nearest(rows, 0); // builds the graph (from GRAPH_FROM centroids on)
      double buildSeconds = (System.nanoTime() - t0) / 1e9;
      int[] exact = new int[rowCount];
      int[] routed = new int[rowCount];
      // warm-up of both paths on a tenth of the rows, then measured passes
      for (int i = 0; i < rowCount / 10; i++) {
        exact[i] = quantizer.nearestExactly(rows, i * dims);
        routed[i] = quantizer.nearest(rows, i * dims);
      }
      long e0 = System.nanoTime();
      for (int i = 0; i < rowCount; i++) {
        exact[i] = quantizer.nearestExactly(rows, i * dims);
      }
      double exactSeconds = (System.nanoTime() - e0) / 1e9;
      long g0 = System.nanoTime();
      for (int i = 0; i < rowCount; i++) {
        routed[i] = quantizer.nearest(rows, i * dims);
      }
      double graphSeconds = (System.nanoTime() - g0) / 1e9;
      int same = 0;
      double excess = 0;
      for (int i = 0; i < rowCount; i++) {
        same += exact[i] == routed[i] ? 1 : 0;
        double best = Math.sqrt(CoarseQuantizer.score(Metric.L2, rows, i * dims, centroids[exact[i]]));
        double got = Math.sqrt(CoarseQuantizer.score(Metric.L2, rows, i * dims, centroids[routed[i]]));
        excess += best == 0 ? 0 : got / best - 1;
      }
      String line = String.format(Locale.ROOT, "| %,d | %s | %,.0f | %,.0f | **%.1f×** | %.4f | %.3f%% | %.1f s |",
          k, k >= CoarseQuantizer.GRAPH_FROM ? "graph" : "exact (below the threshold)",
          rowCount / exactSeconds, rowCount / graphSeconds, exactSeconds / graphSeconds,
          (double) same / rowCount, 100 * excess / rowCount, buildSeconds);
      System.out.println(line);
      lines.add(line);
    }
    String header = String.format(Locale.ROOT,
        "Routing %,d Fashion-MNIST test rows (784-d, L2) to the nearest of k centroids (the first k training rows), "
            + "one thread; graph built on %d threads; load average %s.",
        rowCount, Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("routing-report.md")))) {
      out.println(header);
      out.println();
      out.println("| centroids k | routing | rows/s, every centroid | rows/s, CoarseQuantizer.nearest | speed-up | rows to the exactly nearest | mean extra distance | graph build |");
      out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
      lines.forEach(out::println);
    }
    System.out.println(header);
  }
}
