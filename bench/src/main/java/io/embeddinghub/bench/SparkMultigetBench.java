package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Multiget at any scale (issue #10 item 4), ratios measured in one run: {@code
 * EmbeddingHubSpark.multiget} of a small key set (served on the driver by point reads) and of a
 * large one (bucket-wise tasks) against a Spark join of the same keys with the same rows written
 * as plain Parquet by Spark. Each measurement draws fresh random keys (no run asks keys an earlier
 * run asked), is repeated, and the median reported; the first run of each size (which opens the
 * touched data files: a file serving many keys then enters the data-file cache, and later runs
 * read it from there) is reported apart.
 *
 * <p>Arguments: {@code [rows] [dims] [buckets] [small keys] [large keys] [repeats] [results-dir]},
 * defaults 1,000,000 / 64 / 16 / 1,000 / 100,000 / 3 / bench/results.
 */
public final class SparkMultigetBench {
  private SparkMultigetBench() {}

  public static void main(String[] args) throws Exception {
    int rows = arg(args, 0, 1_000_000);
    int dims = arg(args, 1, 64);
    int buckets = arg(args, 2, 16);
    int smallKeys = arg(args, 3, 1_000);
    int largeKeys = arg(args, 4, 100_000);
    int repeats = arg(args, 5, 3);
    Path results = Path.of(args.length > 6 ? args[6] : "bench/results");
    Path hubDir = Files.createTempDirectory("eh-multiget-bench");
    String root = hubDir.toUri().toString();
    SparkSession spark = SparkSession.builder().master("local[*]").appName("embeddinghub-multiget-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    List<String> lines = new ArrayList<>();
    String load = loadAverage();

    Configuration noIndex = new Configuration();
    noIndex.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    noIndex.setInt(HubProperties.INDEX_MIN_ROWS, Integer.MAX_VALUE);
    Space space = EmbeddingHub.open(root, noIndex).createSpace(SpaceSpec.builder("big", dims).buckets(buckets).build());
    Random random = new Random(1);
    long t0 = System.nanoTime();
    space.multiset(IntStream.range(0, rows).mapToObj(i -> {
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = random.nextFloat();
      }
      return Map.entry("id-" + i, v);
    }).iterator());
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    String parquet = hubDir.resolve("plain-parquet").toUri().toString();
    spark.read().format("embeddinghub").option("path", root).option("space", "big").load()
        .select("key", "embedding").write().parquet(parquet);
    System.out.printf(Locale.ROOT, "loaded %,d rows x %d-d in %.1f s; plain Parquet written%n", rows, dims, loadSeconds);

    // the embedded API first, on a hub whose caches are empty: point reads
    EmbeddingHub coldHub = EmbeddingHub.open(root, noIndex);
    List<String> embeddedKeys = randomKeys(random, rows, smallKeys);
    double embedded = time(() -> coldHub.getSpace("big").multiget(embeddedKeys));
    lines.add(String.format(Locale.ROOT, "| embedded `Space.multiget` of %,d keys, hub with empty caches (point reads) | %.3f s | – |",
        smallKeys, embedded));

    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Dataset<Row> plain = spark.read().parquet(parquet);
    // warm-up of both plans (JIT, Spark's code generation), with keys not used later
    hub.multiget("big", keys(spark, randomKeys(random, rows, 100))).collectAsList();
    keys(spark, randomKeys(random, rows, 100)).join(plain, "key").collectAsList();

    measure(lines, "%,d random keys".formatted(smallKeys), repeats, spark, random, rows, smallKeys, hub, plain, true);
    measure(lines, "%,d random keys".formatted(largeKeys), repeats, spark, random, rows, largeKeys, hub, plain, true);

    String header = String.format(Locale.ROOT,
        "Multiget from %,d rows x %d-d (%d buckets, no index), local[*] on %d cores; load average at start %s, at end %s.",
        rows, dims, buckets, Runtime.getRuntime().availableProcessors(), load, loadAverage());
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("multiget-report.md")))) {
      out.println(header);
      out.println();
      out.println("| operation | seconds (median) | ratio: Parquet join time / ours |");
      out.println("|---|---:|---:|");
      lines.forEach(out::println);
    }
    System.out.println(header);
    lines.forEach(System.out::println);
    spark.stop();
  }

  private static void measure(List<String> lines, String what, int repeats, SparkSession spark, Random random, int rows,
      int count, EmbeddingHubSpark hub, Dataset<Row> plain, boolean reportFirst) {
    double[] ours = new double[repeats];
    double[] join = new double[repeats];
    double first = Double.NaN;
    for (int r = 0; r < repeats + (reportFirst ? 1 : 0); r++) {
      Dataset<Row> keys = keys(spark, randomKeys(random, rows, count)).cache();
      keys.count();
      int[] found = new int[2];
      double o = time(() -> found[0] = hub.multiget("big", keys).collectAsList().size());
      double j = time(() -> found[1] = keys.join(plain, "key").collectAsList().size());
      if (found[0] != found[1]) {
        throw new AssertionError("multiget found " + found[0] + " rows, the join " + found[1]);
      }
      keys.unpersist();
      if (reportFirst && r == 0) {
        first = o;
        continue;
      }
      ours[r - (reportFirst ? 1 : 0)] = o;
      join[r - (reportFirst ? 1 : 0)] = j;
    }
    double mo = median(ours);
    double mj = median(join);
    if (reportFirst) {
      lines.add(String.format(Locale.ROOT, "| `EmbeddingHubSpark.multiget`, %s, first run (opens the touched files; those serving many keys enter the cache) | %.3f s | %.2f× |",
          what, first, mj / first));
    }
    lines.add(String.format(Locale.ROOT, "| `EmbeddingHubSpark.multiget`, %s | %.3f s | **%.2f×** |", what, mo, mj / mo));
    lines.add(String.format(Locale.ROOT, "| Spark join of the same keys with the rows as plain Parquet, %s | %.3f s | 1.00 |", what, mj));
    System.out.println(lines.get(lines.size() - 2));
  }

  private static List<String> randomKeys(Random random, int rows, int count) {
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add("id-" + random.nextInt(rows));
    }
    return keys;
  }

  private static Dataset<Row> keys(SparkSession spark, List<String> keys) {
    List<Row> rows = new ArrayList<>(keys.size());
    keys.forEach(k -> rows.add(RowFactory.create(k)));
    return spark.createDataFrame(rows, new StructType().add("key", DataTypes.StringType));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double time(Supplier<?> body) {
    long t0 = System.nanoTime();
    body.get();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i].replace("_", "")) : fallback;
  }

  private static String loadAverage() throws java.io.IOException {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " (5-min " + parts[1] + ")";
  }
}
