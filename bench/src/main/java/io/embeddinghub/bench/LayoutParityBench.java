package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The same rows written once by a DataFrame write and once by the embedded bulk load
 * ({@code Space.multiset(Iterator)}), then compared: the data files (count, bytes, the key
 * column's bloom filter bytes per row group, read with parquet-mr) and a multiget of a few random
 * keys through both APIs on both spaces, beside a Spark join of the same keys with the rows as
 * plain Parquet. The embedded API reads through a freshly opened hub each time (empty caches:
 * point reads); the Spark API through the connector's hub of this JVM.
 *
 * <p>Arguments: {@code [rows] [dims] [keys] [repeats] [results-dir] [index]}, defaults 500,000 /
 * 16 / 1,000 / 3 / bench/results / auto (report: {@code layout-parity-report.md}). {@code index}
 * is the DataFrame write's {@code index} option: {@code auto} (the default: the write's action
 * indexes the rows) or {@code defer} (the data files are the same; at 10^7 rows the action's
 * index build would take most of an hour on 2 cores and multiget does not use the index).
 * A seventh argument names the directory of an earlier run with the same rows (this bench leaves
 * it in the temp directory): its spaces and plain Parquet are measured again without writing them.
 */
public final class LayoutParityBench {
  private LayoutParityBench() {}

  public static void main(String[] args) throws Exception {
    int rows = arg(args, 0, 500_000);
    int dims = arg(args, 1, 16);
    int keyCount = arg(args, 2, 1_000);
    int repeats = arg(args, 3, 3);
    Path results = Path.of(args.length > 4 ? args[4] : "bench/results");
    String indexing = args.length > 5 ? args[5] : "auto";
    Path reused = args.length > 6 ? Path.of(args[6]) : null;
    Path dir = reused != null ? reused : Files.createTempDirectory("eh-layout-bench");
    String root = dir.toUri().toString();
    String load = loadAverage();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("embeddinghub-layout-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Configuration noIndex = new Configuration();
    noIndex.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    noIndex.setInt(HubProperties.INDEX_MIN_ROWS, Integer.MAX_VALUE);

    String parquet = dir.resolve("plain-parquet").toUri().toString();
    double sparkWrite = Double.NaN;
    double embeddedWrite = Double.NaN;
    if (reused == null) {
      Dataset<Row> frame = spark.range(0, rows, 1, 4).selectExpr(
          "format_string('id-%d', id) AS key",
          "transform(sequence(1, " + dims + "), i -> CAST(sin(id * 0.7 + i * 1.3) AS FLOAT)) AS embedding")
          .persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
      // generated once (Spark interprets the lambda: minutes at 10^7 rows), so both writes read the same cached rows
      System.out.printf(Locale.ROOT, "%,d rows cached%n", frame.count());
      sparkWrite = time(() -> {
        frame.write().format("embeddinghub").option("path", root).option("space", "spark")
            .option("dimensions", Integer.toString(dims)).option("index", indexing).mode("append").save();
        return null;
      });
      System.out.printf(Locale.ROOT, "DataFrame write (index=%s): %.1f s%n", indexing, sparkWrite);
      Space embedded = EmbeddingHub.open(root, noIndex).createSpace(SpaceSpec.builder("embedded", dims).build());
      embeddedWrite = time(() -> {
        embedded.multiset(rowsOf(rows, dims));
        return null;
      });
      System.out.printf(Locale.ROOT, "multiset(Iterator): %.1f s%n", embeddedWrite);
      frame.write().parquet(parquet);
      frame.unpersist();
    }
    Dataset<Row> plain = spark.read().parquet(parquet);

    List<String> lines = new ArrayList<>();
    lines.add(layout("DataFrame write", dir.resolve("spark/data"), sparkWrite));
    lines.add(layout("`multiset(Iterator)`", dir.resolve("embedded/data"), embeddedWrite));

    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Random random = new Random(1);
    // warm-up (JIT, code generation) on keys not asked later, through neither space's files
    keys(spark, randomKeys(random, rows, 100)).join(plain, "key").collectAsList();
    String[] spaces = {"spark", "embedded"};
    for (String space : spaces) {
      double[] own = new double[repeats];
      double[] viaSpark = new double[repeats];
      double[] join = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        List<String> asked = randomKeys(random, rows, keyCount);
        EmbeddingHub cold = EmbeddingHub.open(root, noIndex);
        own[r] = time(() -> cold.getSpace(space).multiget(asked));
        List<String> askedBySpark = randomKeys(random, rows, keyCount);
        Dataset<Row> df = keys(spark, askedBySpark).cache();
        df.count();
        viaSpark[r] = time(() -> hub.multiget(space, df).collectAsList());
        join[r] = time(() -> df.join(plain, "key").collectAsList());
        df.unpersist();
        System.out.printf(Locale.ROOT, "%s run %d: embedded %.3f s, Spark API %.3f s, Parquet join %.3f s%n",
            space, r, own[r], viaSpark[r], join[r]);
      }
      lines.add(String.format(Locale.ROOT,
          "| %s | embedded `Space.multiget` (empty caches) | %.3f s (first %.3f s) | – |",
          space, median(own), own[0]));
      lines.add(String.format(Locale.ROOT,
          "| %s | `EmbeddingHubSpark.multiget` | %.3f s (first %.3f s) | %.1f× |",
          space, median(viaSpark), viaSpark[0], median(join) / median(viaSpark)));
      lines.add(String.format(Locale.ROOT,
          "| %s | Spark join with the rows as plain Parquet | %.3f s | 1.0× |", space, median(join)));
    }
    String header = String.format(Locale.ROOT,
        "Layout parity: %,d rows x %d-d (8 buckets; DataFrame write index=%s, bulk load not indexed), multiget of %,d"
            + " random keys, median of %d, local[2]; load average at start %s, at end %s",
        rows, dims, indexing, keyCount, repeats, load, loadAverage());
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("layout-parity-report.md")))) {
      out.println(header);
      lines.forEach(out::println);
    }
    System.out.println(header);
    lines.forEach(System.out::println);
    spark.stop();
  }

  /** Files, bytes and the key column's bloom filter bytes of a space's data files. */
  private static String layout(String writer, Path data, double seconds) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
    long bytes = 0;
    long bloom = 0;
    long rowGroups = 0;
    Configuration conf = new Configuration();
    for (Path f : files) {
      bytes += Files.size(f);
      try (ParquetFileReader reader = ParquetFileReader.open(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          rowGroups++;
          var filter = reader.readBloomFilter(block.getColumns().get(0));
          bloom += filter == null ? 0 : filter.getBitsetSize();
        }
      }
    }
    return String.format(Locale.ROOT,
        "| %s | written in %.1f s | %d files, %,d bytes (%,d per file), %d row groups, key bloom filters %,d bytes |",
        writer, seconds, files.size(), bytes, bytes / Math.max(1, files.size()), rowGroups, bloom);
  }

  private static Iterator<Map.Entry<String, float[]>> rowsOf(int rows, int dims) {
    return new Iterator<>() {
      private long id;

      @Override
      public boolean hasNext() {
        return id < rows;
      }

      @Override
      public Map.Entry<String, float[]> next() {
        float[] v = new float[dims];
        for (int i = 1; i <= dims; i++) {
          v[i - 1] = (float) Math.sin(id * 0.7 + i * 1.3);
        }
        return Map.entry("id-" + id++, v);
      }
    };
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

  private static String loadAverage() throws IOException {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " (5-min " + parts[1] + ")";
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i].replace("_", "")) : fallback;
  }
}
