package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexParams;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.IndexResult;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Index partitions on synthetic data (run by {@code bench/run-partitioned.sh}): {@code rows}
 * (default 1,000,000) vectors of {@code dims} (64) dimensions drawn from a seeded mixture of
 * {@code centers} (1,000) Gaussian clusters (centers N(0, 1) per dimension, points center + N(0,
 * 0.5²)), and {@code queries} (1,000) further draws from the same mixture (near the data, not in
 * it). Exact top-10 by brute force (plain loop, all cores; cached as text in the results
 * directory). Then, each in its own hub opened with default settings:
 *
 * <ul>
 *   <li>{@code partitioned}: a space with {@code IndexParams.DEFAULT.withPartitionBytes(rows *
 *       dims * 4 / 8)}, so that its index build splits the rows into 8 partitions by the coarse
 *       quantizer: one {@code multiset} of all rows (timed), {@code buildIndex()} (timed),
 *       partition sizes, then recall@10 and single-thread QPS through {@code
 *       Space.nearestNeighbors} at ef 64 for nprobe 1, 2, 3, 4 and 8;
 *   <li>{@code default}: the same rows in a space with default settings ({@code
 *       hub.createSpace(name, dims)}: 256 MiB partitions): load, buildIndex, how many partitions
 *       it got, recall@10 and QPS at ef 64.
 * </ul>
 *
 * <p>Writes {@code <results>/partitioned.csv} ({@code layout,metric_name,value,nprobe,ef}) and
 * {@code params.json}. Arguments: {@code <results-dir> [rows] [queries] [--dims D] [--centers C]
 * [--partitions P] [--no-default]}.
 */
public final class PartitionedBench {
  static final int K = 10;
  static final int EF = 64;
  static final int[] NPROBES = {0, 1, 2, 3, 4, 8}; // 0: the space's default (automatic)
  static final long SEED = 20261130L;
  static final double CLUSTER_SIGMA = 0.5;
  static final int WARMUP_QUERIES = 200;

  private final float[][] base;
  private final float[][] queries;
  private final int[][] truth;
  private final List<String> rows = new ArrayList<>();

  private PartitionedBench(float[][] base, float[][] queries, int[][] truth) {
    this.base = base;
    this.queries = queries;
    this.truth = truth;
    rows.add("layout,metric_name,value,nprobe,ef");
  }

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    int dims = 64;
    int centers = 1_000;
    int wantedPartitions = 8;
    boolean withDefault = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dims" -> dims = Integer.parseInt(args[++i]);
        case "--centers" -> centers = Integer.parseInt(args[++i]);
        case "--partitions" -> wantedPartitions = Integer.parseInt(args[++i]);
        case "--no-default" -> withDefault = false;
        default -> positional.add(args[i]);
      }
    }
    if (positional.isEmpty()) {
      System.err.println("usage: PartitionedBench <results-dir> [rows] [queries] [--dims D] [--centers C]"
          + " [--partitions P] [--no-default]");
      System.exit(2);
    }
    Path results = Files.createDirectories(Path.of(positional.get(0)));
    int rowCount = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 1_000_000;
    int queryCount = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 1_000;
    int cores = Runtime.getRuntime().availableProcessors();

    long t0 = System.nanoTime();
    SplittableRandom random = new SplittableRandom(SEED);
    float[][] centroids = new float[centers][dims];
    for (float[] c : centroids) {
      for (int d = 0; d < dims; d++) {
        c[d] = (float) gaussian(random);
      }
    }
    float[][] base = draw(random, centroids, rowCount);
    float[][] queries = draw(random, centroids, queryCount);
    System.out.printf(Locale.ROOT, "data: %,d x %d-d from %,d Gaussian clusters (sigma %.2f), %,d queries: %.1f s;"
            + " %d cores, max heap %.1f GB%n",
        rowCount, dims, centers, CLUSTER_SIGMA, queryCount, seconds(t0), cores, Runtime.getRuntime().maxMemory() / 1e9);
    Path gtFile = results.resolve(String.format(Locale.ROOT, "groundtruth-%dx%d-%dd-%dc-seed%d.txt",
        rowCount, queryCount, dims, centers, SEED));
    boolean cached = Files.exists(gtFile);
    t0 = System.nanoTime();
    int[][] truth = GroundTruth.loadText(gtFile, NearestNeighborBench.flatten(base), dims, queries, K, cores);
    double gtSeconds = seconds(t0);
    System.out.printf(Locale.ROOT, "exact top-%d %s %s in %.1f s%n", K, cached ? "read from" : "by brute force into",
        gtFile, gtSeconds);

    // vectors of all rows / wanted partitions, rounded up: the build splits into ceil(bytes / partitionBytes)
    long bytes = (long) rowCount * dims * 4;
    long partitionBytes = Math.max(1024, (bytes + wantedPartitions - 1) / wantedPartitions);
    Files.writeString(results.resolve("params.json"), String.format(Locale.ROOT,
        "{\"rows\": %d, \"queries\": %d, \"dims\": %d, \"centers\": %d, \"sigma\": %s, \"seed\": %d, \"k\": %d,"
            + " \"ef\": %d, \"nprobes\": [%s], \"partition_bytes\": %d, \"default_partition_bytes\": %d,"
            + " \"wanted_partitions\": %d, \"cores\": %d, \"max_heap\": %d, \"java\": \"%s\"}%n",
        rowCount, queryCount, dims, centers, CLUSTER_SIGMA, SEED, K, EF,
        IntStream.of(NPROBES).mapToObj(Integer::toString).collect(Collectors.joining(", ")), partitionBytes,
        IndexParams.DEFAULT_PARTITION_BYTES, wantedPartitions, cores, Runtime.getRuntime().maxMemory(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")));

    PartitionedBench bench = new PartitionedBench(base, queries, truth);
    bench.row("data", "ground_truth_seconds", cached ? Double.NaN : gtSeconds, null, null);
    Path hubDir = Files.createTempDirectory("eh-partitioned");
    try {
      bench.space(hubDir, "partitioned",
          SpaceSpec.builder("partitioned", dims).indexParams(IndexParams.DEFAULT.withPartitionBytes(partitionBytes)).build(),
          NPROBES);
      System.gc();
      if (withDefault) {
        bench.space(hubDir, "default", null, new int[] {0});
      }
    } finally {
      deleteRecursively(hubDir);
    }
    Path csv = results.resolve("partitioned.csv");
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
      bench.rows.forEach(out::println);
    }
    System.out.println("wrote " + csv);
  }

  /**
   * Loads all rows into a new space (spec null: {@code hub.createSpace(name, dims)}, the
   * defaults) in a hub of its own, builds its index, and sweeps nprobe at ef 64 (0: the default).
   */
  private void space(Path hubDir, String layout, SpaceSpec spec, int[] nprobes) {
    int dims = base[0].length;
    EmbeddingHub hub = EmbeddingHub.open(hubDir.resolve(layout).toUri().toString(), new Configuration());
    Space space = spec == null ? hub.createSpace(layout, dims) : hub.createSpace(spec);
    long t0 = System.nanoTime();
    space.multiset(entries());
    double load = seconds(t0);
    System.out.printf(Locale.ROOT, "%s (%s): bulk load (one multiset) %.1f s = %,.0f rows/s%n",
        layout, space.spec(), load, base.length / load);
    row(layout, "load_seconds", load, null, null);
    row(layout, "load_rows_per_second", base.length / load, null, null);

    // A write that leaves a tail of embeddinghub.index.auto.tail-rows (default 10,000) rows or more
    // schedules a background build on the hub's thread: wait for it first (racing it with an explicit
    // build would build the tail twice at once), then buildIndex() indexes whatever is left; the
    // figure is the wall time from the end of the load until no row is unindexed.
    long tail = space.unindexedRows();
    t0 = System.nanoTime();
    space.awaitIndexed();
    double background = seconds(t0);
    IndexResult indexed = space.buildIndex();
    double index = seconds(t0);
    System.out.printf(Locale.ROOT, "%s: %,d rows unindexed after the load; background build awaited %.1f s, then buildIndex %.1f s%n",
        layout, tail, background, index - background);
    row(layout, "background_index_seconds", background, null, null);
    List<IndexPartitionInfo> parts = space.indexPartitions();
    long minRows = parts.stream().mapToLong(IndexPartitionInfo::rows).min().orElse(0);
    long maxRows = parts.stream().mapToLong(IndexPartitionInfo::rows).max().orElse(0);
    long indexBytes = parts.stream().mapToLong(IndexPartitionInfo::sizeBytes).sum();
    System.out.printf(Locale.ROOT,
        "%s: buildIndex %.1f s wall (%s) -> %d partition(s) of %,d..%,d rows (%s), index files %.1f MB; %,d rows unindexed%n",
        layout, index, indexed, parts.size(), minRows, maxRows,
        parts.stream().map(p -> Long.toString(p.rows())).collect(Collectors.joining(" ")), indexBytes / 1e6,
        space.unindexedRows());
    row(layout, "index_seconds", index, null, null);
    row(layout, "partitions", parts.size(), null, null);
    row(layout, "partition_rows_min", minRows, null, null);
    row(layout, "partition_rows_max", maxRows, null, null);
    row(layout, "index_bytes", indexBytes, null, null);
    row(layout, "partition_bytes_setting", space.spec().indexParams().partitionBytes(), null, null);

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // the first nprobe again at the end, as "<layout>-repeat": shows how much warm-up the first sweep paid
    int[] sweep = nprobes.length > 1 ? IntStream.concat(IntStream.of(nprobes), IntStream.of(nprobes[0])).toArray() : nprobes;
    for (int i = 0; i < sweep.length; i++) {
      int nprobe = sweep[i];
      String name = i == nprobes.length ? layout + "-repeat" : layout;
      SearchOptions options = SearchOptions.withEf(EF).withNprobe(nprobe);
      for (int q = 0; q < Math.min(WARMUP_QUERIES, queries.length); q++) {
        space.nearestNeighbors(K, queries[q], options);
      }
      int[][] found = new int[queries.length][];
      long cpu0 = threads.getCurrentThreadCpuTime();
      t0 = System.nanoTime();
      for (int q = 0; q < queries.length; q++) {
        found[q] = rowsOf(space.nearestNeighbors(K, queries[q], options));
      }
      long wall = System.nanoTime() - t0;
      double cpuShare = (threads.getCurrentThreadCpuTime() - cpu0) / (double) wall;
      double recall = recall(found);
      double qps = queries.length / (wall / 1e9);
      System.out.printf(Locale.ROOT, "  %-18s ef=%d nprobe=%-8s recall@10 %.4f  %8.0f QPS (1 thread, %d queries)%s%n",
          name, EF, nprobe == 0 ? "default" : Integer.toString(nprobe), recall, qps, queries.length,
          cpuShare < 0.95 ? String.format(Locale.ROOT, "  [cpu %.0f%% of wall]", 100 * cpuShare) : "");
      row(name, "recall", recall, nprobe, EF);
      row(name, "qps_1thread", qps, nprobe, EF);
      row(name, "cpu_share", cpuShare, nprobe, EF);
    }
    hub.dropSpace(layout);
  }

  private static float[][] draw(SplittableRandom random, float[][] centroids, int count) {
    int dims = centroids[0].length;
    float[][] out = new float[count][dims];
    for (float[] v : out) {
      float[] c = centroids[random.nextInt(centroids.length)];
      for (int d = 0; d < dims; d++) {
        v[d] = (float) (c[d] + CLUSTER_SIGMA * gaussian(random));
      }
    }
    return out;
  }

  /** Standard normal by Box-Muller (SplittableRandom has no nextGaussian on Java 17). */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private Iterator<Map.Entry<String, float[]>> entries() {
    return IntStream.range(0, base.length).mapToObj(i -> Map.entry("r" + i, base[i])).iterator();
  }

  private static int[] rowsOf(List<Neighbor> found) {
    int[] out = new int[found.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Integer.parseInt(found.get(i).key(), 1, found.get(i).key().length(), 10);
    }
    return out;
  }

  private double recall(int[][] found) {
    long hits = 0;
    for (int q = 0; q < found.length; q++) {
      for (int row : found[q]) {
        for (int t : truth[q]) {
          if (t == row) {
            hits++;
            break;
          }
        }
      }
    }
    return hits / (double) ((long) found.length * K);
  }

  private void row(String layout, String metric, double value, Integer nprobe, Integer ef) {
    rows.add(layout + "," + metric + "," + value + "," + (nprobe == null ? "" : nprobe) + "," + (ef == null ? "" : ef));
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
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
