package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.index.HnswVectorIndex;
import io.embeddinghub.index.VectorKernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Nearest-neighbor benchmark on Fashion-MNIST (L2): build time, index size, recall@10 and
 * single-thread queries per second over an ef sweep, for a one-file space and for a space written
 * in many small batches (before and after optimize). Writes results/embeddinghub.csv; run.sh runs
 * python3-hnswlib on the same data in the same run and prints everything as ratios.
 *
 * <p>Arguments: {@code <train-images-idx> <test-images-idx> <results-dir> [base] [queries]}.
 */
public final class NearestNeighborBench {
  private static final int K = 10;
  private static final int M = 16;
  private static final int EF_CONSTRUCTION = 200;
  private static final int[] EFS = {10, 16, 32, 64, 128, 256};

  private NearestNeighborBench() {}

  public static void main(String[] args) throws Exception {
    Path train = Path.of(args[0]);
    Path test = Path.of(args[1]);
    Path results = Path.of(args[2]);
    int baseCount = args.length > 3 ? Integer.parseInt(args[3]) : 60_000;
    int queryCount = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
    int threads = Runtime.getRuntime().availableProcessors();
    Files.createDirectories(results);

    float[][] base = FashionMnist.read(train, baseCount);
    float[][] queries = FashionMnist.read(test, queryCount);
    FashionMnist.writeF32(results.resolve("base.f32"), base);
    FashionMnist.writeF32(results.resolve("queries.f32"), queries);
    long t0 = System.nanoTime();
    int[][] truth = GroundTruth.load(results.resolve("truth-" + base.length + "-" + queries.length + ".i32"), base, queries, K, threads);
    System.out.printf(Locale.ROOT, "data: %d base x %d queries, %d dims; ground truth in %.1f s; kernels %s; %d cores%n",
        base.length, queries.length, base[0].length, seconds(t0), VectorKernels.best().name(), threads);
    writeTruthForPython(results.resolve("truth.i32"), truth);

    List<String> rows = new ArrayList<>();
    rows.add("impl,layout,metric_name,value,ef");

    // raw index build, one thread and all threads, no I/O: the like-for-like figure vs hnswlib
    int dims = base[0].length;
    float[] flat = new float[base.length * dims];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dims, dims);
    }
    IndexParams params = new IndexParams(M, EF_CONSTRUCTION, 64);
    t0 = System.nanoTime();
    HnswVectorIndex.build(flat, dims, Metric.L2, params, 1);
    double build1 = seconds(t0);
    System.out.printf(Locale.ROOT, "index build, 1 thread: %.1f s%n", build1);
    rows.add("embeddinghub,index-only,build_seconds_1thread," + build1 + ",");

    Path hubDir = Files.createTempDirectory("eh-bench");
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 4L << 30); // one file
    conf.setInt(HubProperties.INDEX_BUILD_THREADS, threads);
    EmbeddingHub hub = EmbeddingHub.open(hubDir.toUri().toString(), conf);

    // (a) one file: one multiset of everything
    Space one = hub.createSpace(SpaceSpec.builder("one", dims).buckets(1).indexParams(params).build());
    t0 = System.nanoTime();
    one.multiset(entries(base, 0, base.length));
    double write = seconds(t0);
    long parquetBytes = sizeOf(hubDir.resolve("one/data"));
    long indexBytes = sizeOf(hubDir.resolve("one/index"));
    System.out.printf(Locale.ROOT, "one-file space: multiset (Parquet + index, %d threads) %.1f s; parquet %.1f MB, index %.1f MB (%.0f bytes/row)%n",
        threads, write, parquetBytes / 1e6, indexBytes / 1e6, indexBytes / (double) base.length);
    rows.add("embeddinghub,one-file,write_seconds_all_threads," + write + ",");
    rows.add("embeddinghub,one-file,parquet_bytes," + parquetBytes + ",");
    rows.add("embeddinghub,one-file,index_bytes," + indexBytes + ",");
    sweep(one, "one-file", queries, truth, queries.length, rows);

    // (b) many small batches: 60 files before optimize
    int batches = 60;
    Space many = hub.createSpace(SpaceSpec.builder("many", dims).buckets(1).indexParams(params).build());
    t0 = System.nanoTime();
    int per = base.length / batches;
    for (int b = 0; b < batches; b++) {
      many.multiset(entries(base, b * per, b == batches - 1 ? base.length : (b + 1) * per));
    }
    double manyWrite = seconds(t0);
    System.out.printf(Locale.ROOT, "%d-batch space: writes %.1f s%n", batches, manyWrite);
    rows.add("embeddinghub,many-files,write_seconds_all_threads," + manyWrite + ",");
    int fewQueries = Math.min(queries.length, 1000);
    sweep(many, "many-files", queries, truth, fewQueries, rows);
    t0 = System.nanoTime();
    OptimizeResult optimized = many.optimize();
    double optimizeSeconds = seconds(t0);
    System.out.printf(Locale.ROOT, "optimize: %s in %.1f s%n", optimized, optimizeSeconds);
    rows.add("embeddinghub,many-files-optimized,optimize_seconds," + optimizeSeconds + ",");
    sweep(many, "many-files-optimized", queries, truth, queries.length, rows);

    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("embeddinghub.csv")))) {
      rows.forEach(out::println);
    }
  }

  private static void sweep(Space space, String layout, float[][] queries, int[][] truth, int count, List<String> rows) {
    // warm up: load indexes, JIT
    for (int q = 0; q < Math.min(200, count); q++) {
      space.nearestNeighbors(K, queries[q], SearchOptions.withEf(64));
    }
    for (int ef : EFS) {
      long hits = 0;
      long t0 = System.nanoTime();
      for (int q = 0; q < count; q++) {
        List<Neighbor> found = space.nearestNeighbors(K, queries[q], SearchOptions.withEf(ef));
        for (Neighbor n : found) {
          int row = Integer.parseInt(n.key().substring(1));
          for (int t : truth[q]) {
            if (t == row) {
              hits++;
              break;
            }
          }
        }
      }
      double secs = seconds(t0);
      double recall = hits / (double) (count * K);
      double qps = count / secs;
      System.out.printf(Locale.ROOT, "  %-22s ef=%-4d recall@10 %.4f  %8.0f QPS (1 thread)%n", layout, ef, recall, qps);
      rows.add("embeddinghub," + layout + ",recall," + recall + "," + ef);
      rows.add("embeddinghub," + layout + ",qps_1thread," + qps + "," + ef);
    }
  }

  private static Stream<Map.Entry<String, float[]>> entries(float[][] base, int from, int to) {
    return java.util.stream.IntStream.range(from, to).mapToObj(i -> Map.entry("r" + i, base[i]));
  }

  private static void writeTruthForPython(Path file, int[][] truth) throws IOException {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + truth.length * K * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.putInt(truth.length).putInt(K);
    for (int[] row : truth) {
      for (int r : row) {
        buf.putInt(r);
      }
    }
    Files.write(file, buf.array());
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
