package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.IndexResult;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.ReadableSpace;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
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
 * Nearest-neighbor benchmark on Fashion-MNIST (L2, k=10, M=16, efConstruction=200), the Java side
 * of {@code bench/run.sh}, which runs the native C++ hnswlib ({@code bench/native}) and
 * python3-hnswlib on the same data and ground truth in the same run:
 *
 * <ul>
 *   <li>{@code default-space} (the headline): a space created with default settings
 *       ({@code hub.createSpace(name, dims)}, a hub opened with an empty {@code Configuration}),
 *       bulk-loaded by one {@code multiset} of all rows, then {@code buildIndex()}; load rate
 *       (rows/s), index build time (all cores), partitions, sizes; recall@10 and single-thread
 *       QPS per ef through {@code Space.nearestNeighbors} and through a pinned
 *       {@code SpaceSnapshot}; exact search; the cold first query after reopening the hub;
 *   <li>{@code plain-parquet-groups} / {@code plain-parquet-direct}: the same rows written as one
 *       plain Parquet file with parquet-hadoop ({@link PlainParquet}), timed the same way: the
 *       reference of the load rate;
 *   <li>{@code index-only}: the raw {@link FlatHnswIndex} (graph from {@link GraphBuilders#DEFAULT},
 *       no Parquet, no log), built with 1 and with all threads;
 *   <li>with {@code --many-files}: the rows written as many 1,000-row {@code multiset}s, searched
 *       unindexed (exact scan of the tail), then after {@code optimize()}.
 * </ul>
 *
 * <p>Ground truth: the text file of the native tool (one line per query, 10 base ids), read from
 * {@code --gt FILE} (default {@code <results>/groundtruth.txt}) when it exists and fits, else
 * computed by brute force and written there. Writes {@code <results>/embeddinghub.csv}
 * ({@code impl,layout,metric_name,value,ef}), and for python3-hnswlib {@code base.f32},
 * {@code queries.f32}, {@code truth.i32} and {@code params.json}.
 *
 * <p>Arguments: {@code <train-images-idx> <test-images-idx> <results-dir> [base] [queries]
 * [--gt FILE] [--many-files] [--kernels-only] [--keep-hub DIR | --search-only DIR [--dataframe]]}. With
 * {@code --kernels-only} only the raw index is built and searched, and the rows go to
 * {@code embeddinghub-kernels-<name>.csv}: run it in a JVM started with
 * {@code -Dembeddinghub.simd.disabled=true} to measure the scalar distance kernels
 * ({@link VectorKernels#best()} is chosen once per JVM). With {@code --keep-hub DIR} the hub is
 * written under DIR and the default space is kept there; a later JVM run with
 * {@code --search-only DIR} opens that space and only repeats its ef sweep ({@code default-space}
 * rows in {@code embeddinghub.csv}): {@code bench/run.sh} alternates such rounds with the native
 * tool's {@code --load} rounds and reports medians. With {@code --search-only DIR --dataframe} it
 * sweeps the space {@link DataFrameWrittenSpace} wrote into that hub instead ({@code
 * dataframe-space} rows in {@code embeddinghub-dataframe.csv}).
 */
public final class NearestNeighborBench {
  static final int K = 10;
  static final int M = 16;
  static final int EF_CONSTRUCTION = 200;
  static final int[] EFS = {10, 16, 20, 24, 32, 64, 128, 256};
  /** Threads for every index build except the explicit one-thread one: all cores (the store's default). */
  static final int BUILD_THREADS = Runtime.getRuntime().availableProcessors();
  /** Rows written (to a throwaway space and plain Parquet files) before the timed loads, to warm the JIT. */
  static final int WARMUP_ROWS = 2_000;
  /** Rows per write of the many-files space. */
  static final int BATCH_ROWS = 1_000;
  /** Queries timed against the many-files space before optimize (each searches every file). */
  static final int MANY_FILES_QUERIES = 1_000;
  static final int EXACT_QUERIES = 200;
  static final int WARMUP_QUERIES = 1_000;
  /** Queries per timed block of a sweep, interleaved across the efs (as {@code bench/native}'s). */
  static final int SWEEP_BLOCK = 1_000;
  /** The default space's name in the hub; {@code --search-only} opens it. */
  static final String SPACE_NAME = "fashion";
  /** The space {@link DataFrameWrittenSpace} writes into the kept hub; {@code --search-only DIR --dataframe} opens it. */
  static final String DATAFRAME_SPACE_NAME = "fashion_dataframe";

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
    List<String> positional = new ArrayList<>();
    Path gtFile = null;
    boolean kernelsOnly = false;
    boolean manyFiles = false;
    Path keptHub = null;
    Path searchedHub = null;
    boolean dataframe = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--kernels-only" -> kernelsOnly = true;
        case "--many-files" -> manyFiles = true;
        case "--gt" -> gtFile = Path.of(args[++i]);
        case "--keep-hub" -> keptHub = Path.of(args[++i]);
        case "--search-only" -> searchedHub = Path.of(args[++i]);
        case "--dataframe" -> dataframe = true;
        default -> positional.add(args[i]);
      }
    }
    if (positional.size() < 3 || (keptHub != null && searchedHub != null) || (dataframe && searchedHub == null)) {
      System.err.println("usage: NearestNeighborBench <train-images-idx> <test-images-idx> <results-dir> [base] [queries]"
          + " [--gt FILE] [--many-files] [--kernels-only] [--keep-hub DIR | --search-only DIR [--dataframe]]");
      System.exit(2);
    }
    Path train = Path.of(positional.get(0));
    Path test = Path.of(positional.get(1));
    Path results = Path.of(positional.get(2));
    int baseCount = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 60_000;
    int queryCount = positional.size() > 4 ? Integer.parseInt(positional.get(4)) : 10_000;
    int cores = Runtime.getRuntime().availableProcessors();
    Files.createDirectories(results);
    if (gtFile == null) {
      gtFile = results.resolve("groundtruth.txt");
    }

    float[][] base = FashionMnist.read(train, baseCount);
    float[][] queries = FashionMnist.read(test, queryCount);
    long t0 = System.nanoTime();
    boolean gtExisted = Files.exists(gtFile);
    int[][] truth = GroundTruth.loadText(gtFile, flatten(base), base[0].length, queries, K, cores);
    String kernels = VectorKernels.best().name();
    System.out.printf(Locale.ROOT,
        "data: %,d base x %,d queries, %d dims; exact top-%d %s %s in %.1f s; kernels %s; %d cores; max heap %.1f GB%n",
        base.length, queries.length, base[0].length, K, gtExisted ? "read from" : "computed into", gtFile, seconds(t0),
        kernels, cores, Runtime.getRuntime().maxMemory() / 1e9);
    NearestNeighborBench bench = new NearestNeighborBench(base, queries, truth);

    if (searchedHub != null) {
      if (dataframe) {
        bench.searchKeptSpace(searchedHub, DATAFRAME_SPACE_NAME, "dataframe-space");
        bench.writeCsv(results.resolve("embeddinghub-dataframe.csv"));
      } else {
        bench.searchKeptSpace(searchedHub, SPACE_NAME, "default-space");
        bench.writeCsv(results.resolve("embeddinghub.csv"));
      }
      return;
    }
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

    Path hubDir = keptHub != null ? Files.createDirectories(keptHub) : Files.createTempDirectory("eh-bench");
    try {
      bench.defaultSpace(hubDir, keptHub != null);
      if (manyFiles) {
        bench.manyFiles(hubDir);
      }
    } finally {
      if (keptHub == null) {
        deleteRecursively(hubDir);
      }
    }
    bench.indexOnly("index-only", true);
    bench.writeCsv(results.resolve("embeddinghub.csv"));
  }

  static float[] flatten(float[][] rows) {
    int dims = rows[0].length;
    float[] flat = new float[rows.length * dims];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * dims, dims);
    }
    return flat;
  }

  /** The raw index: builds (1 thread when asked, then 2 threads), heap per row, ef sweep. */
  private void indexOnly(String layout, boolean oneThreadToo) {
    float[] flat = flatten(base);
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
    row(layout, "build_seconds_nthreads", build2, null);
    row(layout, "heap_bytes_per_row", heapPerRow, null);
    sweep(layout, queries.length, (q, ef) -> rows(index.search(queries[q], K, ef, null)));
    if (index.walk() != FlatHnswIndex.Walk.FLOAT32) { // the walk before issue #25, on the same graph
      FlatHnswIndex float32 = new FlatHnswIndex(index.graph(), flat, dims, Metric.L2, FlatHnswIndex.Walk.FLOAT32);
      sweep(layout + "-float32", queries.length, (q, ef) -> rows(float32.search(queries[q], K, ef, null)));
    }
    // the other code width on the same graph: one-byte codes (before four-bit ones) or four-bit
    FlatHnswIndex.Walk other =
        index.walk() == FlatHnswIndex.Walk.INT4 ? FlatHnswIndex.Walk.INT8 : FlatHnswIndex.Walk.INT4;
    FlatHnswIndex otherIndex = new FlatHnswIndex(index.graph(), flat, dims, Metric.L2, other);
    sweep(layout + "-" + other.name().toLowerCase(Locale.ROOT), queries.length,
        (q, ef) -> rows(otherIndex.search(queries[q], K, ef, null)));
  }

  private static int[] rows(List<RowHit> hits) {
    int[] found = new int[hits.size()];
    for (int i = 0; i < found.length; i++) {
      found[i] = hits.get(i).row();
    }
    return found;
  }

  /**
   * The headline: plain Parquet writes of all rows (the load-rate reference), then a space with
   * default settings: one multiset of all rows, buildIndex, the ef sweeps, exact search, a cold
   * query after reopening.
   */
  private void defaultSpace(Path hubDir, boolean keepSpace) throws IOException {
    String[] keys = IntStream.range(0, base.length).mapToObj(i -> "r" + i).toArray(String[]::new);
    Configuration conf = new Configuration(); // every setting at its default
    String uri = hubDir.resolve("hub").toUri().toString();
    EmbeddingHub hub = EmbeddingHub.open(uri, conf);
    Path plainDir = Files.createDirectories(hubDir.resolve("plain"));

    // warm-up of both write paths (JIT, Parquet and Hadoop classes), untimed
    int warm = Math.min(WARMUP_ROWS, base.length);
    Space warmSpace = hub.createSpace("warmup", dims);
    warmSpace.multiset(entries(0, warm));
    warmSpace.buildIndex();
    hub.dropSpace("warmup");
    String[] warmKeys = Arrays.copyOf(keys, warm);
    float[][] warmRows = Arrays.copyOf(base, warm);
    PlainParquet.writeGroups(conf, plainDir.resolve("warm-groups.parquet").toUri().toString(), warmKeys, warmRows);
    PlainParquet.writeDirect(conf, plainDir.resolve("warm-direct.parquet").toUri().toString(), warmKeys, warmRows);

    // plain Parquet: one file of all rows, each writer timed from the rows in memory to the closed file
    for (String writer : new String[] {"groups", "direct"}) {
      Path file = plainDir.resolve("plain-" + writer + ".parquet");
      long t0 = System.nanoTime();
      if (writer.equals("groups")) {
        PlainParquet.writeGroups(conf, file.toUri().toString(), keys, base);
      } else {
        PlainParquet.writeDirect(conf, file.toUri().toString(), keys, base);
      }
      double secs = seconds(t0);
      String layout = "plain-parquet-" + writer;
      System.out.printf(Locale.ROOT, "%s: one file of %,d rows in %.2f s = %,.0f rows/s, %.1f MB%n",
          layout, base.length, secs, base.length / secs, Files.size(file) / 1e6);
      row(layout, "load_seconds", secs, null);
      row(layout, "load_rows_per_second", base.length / secs, null);
      row(layout, "parquet_bytes", Files.size(file), null);
    }

    Space space = hub.createSpace(SPACE_NAME, dims);
    long t0 = System.nanoTime();
    space.multiset(entries(0, base.length));
    double load = seconds(t0);
    long parquetBytes = sizeOf(hubDir.resolve("hub/" + SPACE_NAME + "/data"));
    int files = countFiles(hubDir.resolve("hub/" + SPACE_NAME + "/data"));
    System.out.printf(Locale.ROOT,
        "default space (%s): bulk load (one multiset) %.2f s = %,.0f rows/s -> %d data file(s), %.1f MB; %,d rows unindexed%n",
        space.spec(), load, base.length / load, files, parquetBytes / 1e6, space.unindexedRows());
    row("default-space", "load_seconds", load, null);
    row("default-space", "load_rows_per_second", base.length / load, null);
    row("default-space", "data_files", files, null);
    row("default-space", "parquet_bytes", parquetBytes, null);

    // a tail of embeddinghub.index.auto.tail-rows (default 10,000) or more is indexed by a background
    // build the write scheduled: wait for it (none below that, as for Fashion-MNIST's 60,000), then
    // buildIndex() indexes the rest; the figure is the wall time until no row is unindexed
    t0 = System.nanoTime();
    space.awaitIndexed();
    double background = seconds(t0);
    IndexResult indexed = space.buildIndex();
    double indexSeconds = seconds(t0);
    if (background > 0.05) {
      System.out.printf(Locale.ROOT, "default space: waited %.2f s for the background index build%n", background);
    }
    List<IndexPartitionInfo> partitions = space.indexPartitions();
    long indexBytes = partitions.stream().mapToLong(IndexPartitionInfo::sizeBytes).sum();
    System.out.printf(Locale.ROOT,
        "default space: buildIndex %.2f s wall (%s; %d build threads) -> %d partition(s), index files %.1f MB"
            + " (%.0f bytes/row); %,d rows unindexed%n",
        indexSeconds, indexed, BUILD_THREADS, partitions.size(), indexBytes / 1e6, indexBytes / (double) base.length,
        space.unindexedRows());
    row("default-space", "index_seconds", indexSeconds, null);
    row("default-space", "index_build_seconds_reported", indexed.buildNanos() / 1e9, null);
    row("default-space", "partitions", partitions.size(), null);
    row("default-space", "index_bytes", indexBytes, null);
    row("default-space", "build_threads", BUILD_THREADS, null);

    sweep("default-space", queries.length, spaceSearcher(space));
    sweep("default-space-snapshot", queries.length, spaceSearcher(space.snapshot()));

    int exactCount = Math.min(queries.length, EXACT_QUERIES);
    int[][] exactFound = new int[exactCount][];
    t0 = System.nanoTime();
    for (int q = 0; q < exactCount; q++) {
      exactFound[q] = rowsOf(space.nearestNeighbors(K, queries[q], SearchOptions.exactSearch()));
    }
    double exactQps = exactCount / seconds(t0);
    double exactRecall = recall(exactFound, exactCount);
    System.out.printf(Locale.ROOT, "  %-22s         recall@10 %.4f  %8.1f QPS (1 thread, %d queries)%n",
        "default-space exact", exactRecall, exactQps, exactCount);
    row("default-space-exact", "recall", exactRecall, null);
    row("default-space-exact", "qps_1thread", exactQps, null);

    // the first query after reopening: reads the Parquet files and the index file
    EmbeddingHub reopened = EmbeddingHub.open(uri, conf);
    Space cold = reopened.getSpace(SPACE_NAME);
    t0 = System.nanoTime();
    cold.nearestNeighbors(K, queries[0], SearchOptions.withEf(64));
    double coldFirst = seconds(t0);
    t0 = System.nanoTime();
    cold.nearestNeighbors(K, queries[1], SearchOptions.withEf(64));
    double coldSecond = seconds(t0);
    System.out.printf(Locale.ROOT, "default space after reopen: first query %.2f s (loads data + index), second %.4f s%n",
        coldFirst, coldSecond);
    row("default-space", "cold_first_query_seconds", coldFirst, null);
    // what the loaded partitions keep on the heap, against the raw float32 vectors
    long rawBytes = (long) base.length * dims * Float.BYTES;
    long heapBytes = reopened.loadedIndexBytes();
    System.out.printf(Locale.ROOT, "default space after reopen: index files %.2f× the raw vectors on disk,"
        + " loaded partitions %.1f MB on the heap = %.2f× the raw vectors (%.1f MB)%n",
        indexBytes / (double) rawBytes, heapBytes / 1e6, heapBytes / (double) rawBytes, rawBytes / 1e6);
    row("default-space", "index_heap_bytes", heapBytes, null);
    row("default-space", "raw_vector_bytes", rawBytes, null);
    if (!keepSpace) {
      hub.dropSpace(SPACE_NAME);
    }
  }

  /**
   * A later round: the space a {@code --keep-hub} run left, opened in this fresh JVM (its index
   * partitions read from their files), and only its ef sweep repeated.
   */
  private void searchKeptSpace(Path hubDir, String name, String layout) throws IOException {
    EmbeddingHub hub = EmbeddingHub.open(hubDir.resolve("hub").toUri().toString(), new Configuration());
    Space space = hub.getSpace(name);
    if (space.unindexedRows() != 0 || space.indexPartitions().isEmpty()) {
      throw new IllegalStateException("the kept space " + name + " under " + hubDir + " has "
          + space.unindexedRows() + " unindexed rows and " + space.indexPartitions().size()
          + " index partitions: run with --keep-hub (and DataFrameWrittenSpace) first");
    }
    sweep(layout, queries.length, spaceSearcher(space));
  }

  /** Many small writes (searched unindexed: writes build no graphs), then optimize (compacts and indexes). */
  private void manyFiles(Path hubDir) throws IOException {
    EmbeddingHub hub = EmbeddingHub.open(hubDir.resolve("hub").toUri().toString(), new Configuration());
    Space many = hub.createSpace("many", dims);
    int batches = Math.max(1, base.length / BATCH_ROWS);
    int per = base.length / batches;
    long t0 = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      many.multiset(entries(b * per, b == batches - 1 ? base.length : (b + 1) * per));
    }
    double manyWrite = seconds(t0);
    int files = countFiles(hubDir.resolve("hub/many/data"));
    System.out.printf(Locale.ROOT, "many-files: %d multisets of %,d rows in %.1f s -> %d data files, %,d rows unindexed%n",
        batches, per, manyWrite, files, many.unindexedRows());
    row("many-files", "load_seconds", manyWrite, null);
    row("many-files", "files", files, null);
    sweep("many-files", Math.min(queries.length, MANY_FILES_QUERIES), spaceSearcher(many));
    t0 = System.nanoTime();
    OptimizeResult optimized = many.optimize();
    double optimizeSeconds = seconds(t0);
    System.out.printf(Locale.ROOT, "optimize: %s in %.1f s; %d partition(s)%n", optimized, optimizeSeconds,
        many.indexPartitions().size());
    row("many-files-optimized", "optimize_seconds", optimizeSeconds, null);
    sweep("many-files-optimized", queries.length, spaceSearcher(many));
    hub.dropSpace("many");
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

  /**
   * Warms up, then times {@code count} queries one at a time on this thread for every ef: in blocks
   * of {@value #SWEEP_BLOCK} queries interleaved across the efs (step {@code s} times block
   * {@code (s + e) mod blocks} at the {@code e}-th ef), as {@code bench/native} sweeps, so that a
   * burst of noise on a shared machine falls on all efs alike instead of on one.
   */
  private void sweep(String layout, int count, Searcher searcher) {
    for (int q = 0; q < Math.min(WARMUP_QUERIES, count); q++) {
      searcher.search(q, EFS[0]);
    }
    for (int q = 0; q < count; q++) { // one whole pass: JIT and every vector's page warm, like native's build
      searcher.search(q, 64);
    }
    int blocks = (count + SWEEP_BLOCK - 1) / SWEEP_BLOCK;
    int[][][] found = new int[EFS.length][count][];
    long[] wall = new long[EFS.length];
    long[] cpu = new long[EFS.length];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int step = 0; step < blocks; step++) {
      for (int e = 0; e < EFS.length; e++) {
        int from = (step + e) % blocks * SWEEP_BLOCK;
        int to = Math.min(count, from + SWEEP_BLOCK);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int q = from; q < to; q++) {
          found[e][q] = searcher.search(q, EFS[e]);
        }
        wall[e] += System.nanoTime() - t0;
        cpu[e] += threads.getCurrentThreadCpuTime() - cpu0;
      }
    }
    for (int e = 0; e < EFS.length; e++) {
      int ef = EFS[e];
      // below 1: this thread was descheduled (another process on the cores), the QPS is low
      double cpuShare = cpu[e] / (double) wall[e];
      double recall = recall(found[e], count);
      double qps = count / (wall[e] / 1e9);
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
