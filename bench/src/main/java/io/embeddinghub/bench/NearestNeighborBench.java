package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexResult;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.ReadableSpace;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.GraphBuilders;
import io.embeddinghub.index.RowHit;
import io.embeddinghub.index.VectorKernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Nearest-neighbor benchmark on Fashion-MNIST (L2, k=10, M=16, efConstruction=200): build time,
 * index size, recall@10 and single-thread queries per second over an ef sweep, for
 *
 * <ul>
 *   <li>{@code index-only}: the raw {@link FlatHnswIndex} (graph from {@link GraphBuilders#DEFAULT}) (no Parquet, no log), built with 1
 *       and with 2 threads — the like-for-like figure against hnswlib;
 *   <li>{@code one-file}: a space written by one {@code multiset} of all rows (one Parquet file
 *       and its index), queried through {@code Space.nearestNeighbors} and through a pinned
 *       {@code SpaceSnapshot} (which skips the per-query probe of the log for a newer version);
 *       plus exact search and the cold first query after reopening the hub;
 *   <li>{@code many-files}: the same rows written as many 1,000-row {@code multiset}s, before
 *       and after {@code optimize()}.
 * </ul>
 *
 * Writes {@code <results>/embeddinghub.csv} ({@code impl,layout,metric_name,value,ef}), the data
 * and ground truth for the python3-hnswlib side ({@code base.f32}, {@code queries.f32},
 * {@code truth.i32}) and {@code params.json}; {@code bench/run.sh} runs python3-hnswlib on the
 * same files in the same run and {@code bench/python/report.py} prints every figure as a ratio.
 *
 * <p>Arguments: {@code <train-images-idx> <test-images-idx> <results-dir> [base] [queries]
 * [--kernels-only]}. With {@code --kernels-only} only the raw index is built (2 threads) and
 * searched, and the rows go to {@code embeddinghub-kernels-<name>.csv}: run it in a JVM started
 * with {@code -Dembeddinghub.simd.disabled=true} to measure the scalar distance kernels
 * ({@link VectorKernels#best()} is chosen once per JVM).
 */
public final class NearestNeighborBench {
  static final int K = 10;
  static final int M = 16;
  static final int EF_CONSTRUCTION = 200;
  static final int[] EFS = {10, 16, 20, 24, 32, 64, 128, 256};
  /** Threads for every index build except the explicit one-thread one: the 2 cores of the aim. */
  static final int BUILD_THREADS = 2;
  /** Rows per write of the many-files space. */
  static final int BATCH_ROWS = 1_000;
  /** Queries timed against the many-files space before optimize (each searches every file). */
  static final int MANY_FILES_QUERIES = 1_000;
  static final int EXACT_QUERIES = 200;
  static final int WARMUP_QUERIES = 1_000;

  private final float[][] base;
  private final float[][] queries;
  private final int[][] truth;
  private final int dims;
  private final List<String> rows = new ArrayList<>();

  private NearestNeighborBench(float[][] base, float[][] queries, int[][] truth) {
    this.base = base;
    this.queries = queries;
    this.truth = truth;
    this.dims = base[0].length;
    rows.add("impl,layout,metric_name,value,ef");
  }

  public static void main(String[] args) throws Exception {
    List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).collect(Collectors.toList());
    boolean kernelsOnly = Arrays.asList(args).contains("--kernels-only");
    if (positional.size() < 3) {
      System.err.println(
          "usage: NearestNeighborBench <train-images-idx> <test-images-idx> <results-dir> [base] [queries] [--kernels-only]");
      System.exit(2);
    }
    Path train = Path.of(positional.get(0));
    Path test = Path.of(positional.get(1));
    Path results = Path.of(positional.get(2));
    int baseCount = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 60_000;
    int queryCount = positional.size() > 4 ? Integer.parseInt(positional.get(4)) : 10_000;
    int cores = Runtime.getRuntime().availableProcessors();
    Files.createDirectories(results);

    float[][] base = FashionMnist.read(train, baseCount);
    float[][] queries = FashionMnist.read(test, queryCount);
    long t0 = System.nanoTime();
    int[][] truth =
        GroundTruth.load(results.resolve("truth-" + base.length + "-" + queries.length + ".i32"), base, queries, K, cores);
    String kernels = VectorKernels.best().name();
    System.out.printf(Locale.ROOT,
        "data: %,d base x %,d queries, %d dims; exact top-%d in %.1f s; kernels %s; %d cores; max heap %.1f GB%n",
        base.length, queries.length, base[0].length, K, seconds(t0), kernels, cores,
        Runtime.getRuntime().maxMemory() / 1e9);
    NearestNeighborBench bench = new NearestNeighborBench(base, queries, truth);

    if (kernelsOnly) {
      String layout = "index-only-" + (kernels.startsWith("simd") ? "simd" : kernels);
      bench.indexOnly(layout, false);
      bench.writeCsv(results.resolve("embeddinghub-kernels-" + kernels + ".csv"));
      return;
    }
    FashionMnist.writeF32(results.resolve("base.f32"), base);
    FashionMnist.writeF32(results.resolve("queries.f32"), queries);
    writeTruthForPython(results.resolve("truth.i32"), truth);
    writeParams(results.resolve("params.json"), base.length, queries.length, base[0].length, kernels);

    bench.indexOnly("index-only", true);
    Path hubDir = Files.createTempDirectory("eh-bench");
    try {
      bench.spaces(hubDir);
    } finally {
      deleteRecursively(hubDir);
    }
    bench.writeCsv(results.resolve("embeddinghub.csv"));
  }

  /** The raw index: builds (1 thread when asked, then 2 threads), heap per row, ef sweep. */
  private void indexOnly(String layout, boolean oneThreadToo) {
    float[] flat = new float[base.length * dims];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dims, dims);
    }
    IndexParams params = new IndexParams(M, EF_CONSTRUCTION, 64);
    if (oneThreadToo) {
      long t0 = System.nanoTime();
      GraphBuilders.DEFAULT.build(flat, dims, Metric.L2, params, 1);
      double build1 = seconds(t0);
      System.out.printf(Locale.ROOT, "%s: build, 1 thread: %.1f s%n", layout, build1);
      row(layout, "build_seconds_1thread", build1, null);
    }
    long heapBefore = usedHeapAfterGc();
    long t0 = System.nanoTime();
    FlatHnswIndex index =
        new FlatHnswIndex(GraphBuilders.DEFAULT.build(flat, dims, Metric.L2, params, BUILD_THREADS), flat, dims, Metric.L2);
    double build2 = seconds(t0);
    double heapPerRow = (usedHeapAfterGc() - heapBefore) / (double) base.length;
    System.out.printf(Locale.ROOT, "%s: build, %d threads: %.1f s; graph heap ~%.0f bytes/row (vectors excluded)%n",
        layout, BUILD_THREADS, build2, heapPerRow);
    row(layout, "build_seconds_2threads", build2, null);
    row(layout, "heap_bytes_per_row", heapPerRow, null);
    sweep(layout, queries.length, (q, ef) -> {
      List<RowHit> hits = index.search(queries[q], K, ef, null);
      int[] found = new int[hits.size()];
      for (int i = 0; i < found.length; i++) {
        found[i] = hits.get(i).row();
      }
      return found;
    });
  }

  /** The stored spaces: one file, then many small files before and after optimize. */
  private void spaces(Path hubDir) throws IOException {
    IndexParams params = new IndexParams(M, EF_CONSTRUCTION, 64);
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 4L << 30); // one multiset = one data file
    conf.setInt(HubProperties.INDEX_BUILD_THREADS, BUILD_THREADS);
    String uri = hubDir.toUri().toString();
    EmbeddingHub hub = EmbeddingHub.open(uri, conf);

    // (a) a space with default settings (8 buckets): one bulk load of everything, then buildIndex
    Space one = hub.createSpace("one", dims);
    long t0 = System.nanoTime();
    one.multiset(entries(0, base.length));
    double write = seconds(t0);
    t0 = System.nanoTime();
    IndexResult indexed = one.buildIndex();
    double indexSeconds = seconds(t0);
    System.out.printf(Locale.ROOT, "default space: bulk load %.1f s, buildIndex %.1f s (%d partition(s), %d build threads)%n",
        write, indexSeconds, indexed.partitionsAdded(), BUILD_THREADS);
    row("one-file", "index_seconds", indexSeconds, null);
    long parquetBytes = sizeOf(hubDir.resolve("one/data"));
    long indexBytes = sizeOf(hubDir.resolve("one/index"));
    System.out.printf(Locale.ROOT,
        "one-file: multiset (Parquet + index, %d build threads) %.1f s; %d data file(s) %.1f MB, index %.1f MB (%.0f bytes/row)%n",
        BUILD_THREADS, write, countFiles(hubDir.resolve("one/data")), parquetBytes / 1e6, indexBytes / 1e6,
        indexBytes / (double) base.length);
    row("one-file", "write_seconds_2threads", write, null);
    row("one-file", "parquet_bytes", parquetBytes, null);
    row("one-file", "index_bytes", indexBytes, null);
    sweep("one-file", queries.length, spaceSearcher(one));
    sweep("one-file-snapshot", queries.length, spaceSearcher(one.snapshot()));

    int exactCount = Math.min(queries.length, EXACT_QUERIES);
    int[][] exactFound = new int[exactCount][];
    t0 = System.nanoTime();
    for (int q = 0; q < exactCount; q++) {
      exactFound[q] = rowsOf(one.nearestNeighbors(K, queries[q], SearchOptions.exactSearch()));
    }
    double exactQps = exactCount / seconds(t0);
    double exactRecall = recall(exactFound, exactCount);
    System.out.printf(Locale.ROOT, "  %-22s         recall@10 %.4f  %8.1f QPS (1 thread, %d queries)%n",
        "one-file exact", exactRecall, exactQps, exactCount);
    row("one-file-exact", "recall", exactRecall, null);
    row("one-file-exact", "qps_1thread", exactQps, null);

    // the first query after reopening: reads the Parquet file and the index file
    EmbeddingHub reopened = EmbeddingHub.open(uri, conf);
    Space cold = reopened.getSpace("one");
    t0 = System.nanoTime();
    cold.nearestNeighbors(K, queries[0], SearchOptions.withEf(64));
    double coldFirst = seconds(t0);
    t0 = System.nanoTime();
    cold.nearestNeighbors(K, queries[1], SearchOptions.withEf(64));
    double coldSecond = seconds(t0);
    System.out.printf(Locale.ROOT, "one-file after reopen: first query %.2f s (loads data + index), second %.4f s%n",
        coldFirst, coldSecond);
    row("one-file", "cold_first_query_seconds", coldFirst, null);
    hub.dropSpace("one");

    // (b) many small writes, before and after optimize
    Space many = hub.createSpace("many", dims);
    int batches = Math.max(1, base.length / BATCH_ROWS);
    int per = base.length / batches;
    t0 = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      many.multiset(entries(b * per, b == batches - 1 ? base.length : (b + 1) * per));
    }
    double manyWrite = seconds(t0);
    int files = countFiles(hubDir.resolve("many/data"));
    System.out.printf(Locale.ROOT, "many-files: %d multisets of %,d rows in %.1f s -> %d data files%n",
        batches, per, manyWrite, files);
    row("many-files", "write_seconds_2threads", manyWrite, null);
    row("many-files", "files", files, null);
    sweep("many-files", Math.min(queries.length, MANY_FILES_QUERIES), spaceSearcher(many));
    t0 = System.nanoTime();
    OptimizeResult optimized = many.optimize();
    double optimizeSeconds = seconds(t0);
    System.out.printf(Locale.ROOT, "optimize: %s in %.1f s%n", optimized, optimizeSeconds);
    row("many-files-optimized", "optimize_seconds", optimizeSeconds, null);
    sweep("many-files-optimized", queries.length, spaceSearcher(many));
  }

  /** Answers query {@code q} at {@code ef} with base row ids, nearest first. */
  private interface Searcher {
    int[] search(int q, int ef);
  }

  private Searcher spaceSearcher(ReadableSpace space) {
    return (q, ef) -> rowsOf(space.nearestNeighbors(K, queries[q], SearchOptions.withEf(ef)));
  }

  /** Keys are "r<row>". */
  private static int[] rowsOf(List<Neighbor> found) {
    int[] out = new int[found.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Integer.parseInt(found.get(i).key(), 1, found.get(i).key().length(), 10);
    }
    return out;
  }

  /** Warms up, then times {@code count} queries one at a time on this thread for every ef. */
  private void sweep(String layout, int count, Searcher searcher) {
    for (int ef : new int[] {EFS[0], 64}) {
      for (int q = 0; q < Math.min(WARMUP_QUERIES, count); q++) {
        searcher.search(q, ef);
      }
    }
    int[][] found = new int[count][];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int ef : EFS) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int q = 0; q < count; q++) {
        found[q] = searcher.search(q, ef);
      }
      long wall = System.nanoTime() - t0;
      // below 1: this thread was descheduled (another process on the cores), the QPS is low
      double cpuShare = (threads.getCurrentThreadCpuTime() - cpu0) / (double) wall;
      double recall = recall(found, count);
      double qps = count / (wall / 1e9);
      System.out.printf(Locale.ROOT, "  %-22s ef=%-4d recall@10 %.4f  %8.0f QPS (1 thread, %d queries)%s%n",
          layout, ef, recall, qps, count, cpuShare < 0.95 ? String.format(Locale.ROOT, "  [cpu %.0f%% of wall]", 100 * cpuShare) : "");
      row(layout, "recall", recall, ef);
      row(layout, "qps_1thread", qps, ef);
      row(layout, "cpu_share", cpuShare, ef);
    }
  }

  private double recall(int[][] found, int count) {
    long hits = 0;
    for (int q = 0; q < count; q++) {
      for (int row : found[q]) {
        for (int t : truth[q]) {
          if (t == row) {
            hits++;
            break;
          }
        }
      }
    }
    return hits / (double) ((long) count * K);
  }

  private Iterator<Map.Entry<String, float[]>> entries(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> Map.entry("r" + i, base[i])).iterator();
  }

  private void row(String layout, String metric, double value, Integer ef) {
    rows.add("embeddinghub," + layout + "," + metric + "," + value + "," + (ef == null ? "" : ef));
  }

  private void writeCsv(Path file) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
      rows.forEach(out::println);
    }
    System.out.println("wrote " + file);
  }

  private static void writeParams(Path file, int base, int queries, int dims, String kernels) throws IOException {
    String efs = Arrays.stream(EFS).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    Files.writeString(file, String.format(Locale.ROOT,
        "{\"k\": %d, \"m\": %d, \"ef_construction\": %d, \"efs\": [%s], \"build_threads\": %d, \"base\": %d,"
            + " \"queries\": %d, \"dims\": %d, \"many_files_queries\": %d, \"batch_rows\": %d, \"kernels\": \"%s\","
            + " \"java\": \"%s\"}%n",
        K, M, EF_CONSTRUCTION, efs, BUILD_THREADS, base, queries, dims, Math.min(queries, MANY_FILES_QUERIES),
        BATCH_ROWS, kernels, System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")));
  }

  private static void writeTruthForPython(Path file, int[][] truth) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8 + truth.length * K * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(truth.length).putInt(K);
    for (int[] row : truth) {
      for (int r : row) {
        buf.putInt(r);
      }
    }
    Files.write(file, buf.array());
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static int countFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return (int) files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
