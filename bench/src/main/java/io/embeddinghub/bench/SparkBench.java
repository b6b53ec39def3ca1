package io.embeddinghub.bench;

import static org.apache.spark.sql.functions.col;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.spark.EmbeddingHubCatalog;
import io.embeddinghub.spark.EmbeddingHubExtensions;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed operations on local Spark (issue #5), ratios measured in one run:
 * batch kNN of Fashion-MNIST queries against the 60k space — our index probe, our exact mode,
 * Spark 4.2's own NEAREST BY (its cross-product plan) and crossJoin + window over plain
 * DataFrames — and a 1,000-key multiget from a 1,000,000-vector space vs a Spark join over the
 * same rows as plain Parquet.
 *
 * <p>Arguments: {@code <train-idx> <test-idx> <results-dir> [queries] [slow-baseline-queries]}.
 */
public final class SparkBench {
  private static final int K = 10;

  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args[2]);
    int queryCount = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    int slowCount = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    float[][] base = FashionMnist.read(Path.of(args[0]), 60_000);
    float[][] queries = FashionMnist.read(Path.of(args[1]), queryCount);
    int[][] truth = GroundTruth.load(results.resolve("truth-" + base.length + "-" + queries.length + ".i32"), base, queries, K,
        Runtime.getRuntime().availableProcessors());
    Path hubDir = Files.createTempDirectory("eh-spark-bench");
    String root = hubDir.toUri().toString();
    SparkSession spark = SparkSession.builder().master("local[*]").appName("embeddinghub-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.extensions", EmbeddingHubExtensions.class.getName())
        .config("spark.sql.catalog.eh", EmbeddingHubCatalog.class.getName())
        .config("spark.sql.catalog.eh.path", root)
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    List<String> lines = new ArrayList<>();

    Configuration conf = new Configuration();
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 4L << 30);
    EmbeddingHub hub = EmbeddingHub.open(root, conf);
    Space space = hub.createSpace(SpaceSpec.builder("fmnist", 784).buckets(2).build());
    Map<String, float[]> rows = new HashMap<>();
    for (int i = 0; i < base.length; i++) {
      rows.put("r" + i, base[i]);
    }
    space.multiset(rows);
    EmbeddingHubSpark distributed = EmbeddingHubSpark.open(spark, root);
    Dataset<Row> queryDf = queries(spark, queries, queries.length).cache();
    queryDf.count();

    // the first run loads the data files and indexes into the executors' caches (reported apart)
    double cold = time(() -> distributed.nearestNeighbors("fmnist", queryDf, K, SearchOptions.withEf(64)).collectAsList());
    List<Row> answers = new ArrayList<>();
    double probe = time(() -> answers.addAll(distributed.nearestNeighbors("fmnist", queryDf, K, SearchOptions.withEf(64)).collectAsList()));
    double probeRecall = recall(answers, truth, 2);
    // the same queries through SQL: Spark's NEAREST BY join on the space, rewritten into the probe
    queryDf.createOrReplaceTempView("all_queries");
    List<Row> viaSql = new ArrayList<>();
    double rewritten = time(() -> viaSql.addAll(spark.sql("SELECT q.id, s.key FROM all_queries q JOIN eh.fmnist "
        + "WITH ('ef' = '64') s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.vector, s.embedding)").collectAsList()));
    int exactCount = Math.min(queries.length, 1000);
    Dataset<Row> exactQueries = queries(spark, queries, exactCount).cache();
    exactQueries.count();
    double exact = time(() -> distributed.nearestNeighbors("fmnist", exactQueries, K, SearchOptions.exactSearch()).collectAsList());
    lines.add(row("EmbeddingHub index probe (ef 64), first run incl. cache loading", queries.length, cold, Double.NaN));
    lines.add(row("EmbeddingHub index probe (ef 64)", queries.length, probe, probeRecall));
    lines.add(row("EmbeddingHub exact mode", exactCount, exact, 1.0));
    lines.add(row("Spark APPROX NEAREST BY on the space, rewritten to the index probe (ef 64)", queries.length, rewritten,
        recall(viaSql, truth, 1)));

    // Spark's own plans over the same vectors as a plain DataFrame, on a subset (they are cross products)
    Dataset<Row> baseDf = baseFrame(spark, base).cache();
    baseDf.count();
    Dataset<Row> few = queries(spark, queries, slowCount).cache();
    few.count();
    few.createOrReplaceTempView("q");
    baseDf.createOrReplaceTempView("b");
    double nearestBy = time(() -> spark.sql("SELECT q.id, b.key FROM q JOIN b APPROX NEAREST 10 BY DISTANCE "
        + "vector_l2_distance(q.vector, b.embedding)").collectAsList());
    double crossJoin = time(() -> few.crossJoin(baseDf)
        .withColumn("d", functions.expr("vector_l2_distance(vector, embedding)"))
        .withColumn("rank", functions.row_number().over(Window.partitionBy("id").orderBy(col("d"), col("key"))))
        .where(col("rank").leq(K)).select("id", "key").collectAsList());
    lines.add(row("Spark NEAREST BY (cross product, exact)", slowCount, nearestBy, Double.NaN));
    lines.add(row("Spark crossJoin + window (exact)", slowCount, crossJoin, Double.NaN));

    // multiget: 1,000 keys from 1,000,000 vectors vs a join over the same rows as plain Parquet
    Configuration noIndex = new Configuration();
    noIndex.setInt(HubProperties.INDEX_MIN_ROWS, Integer.MAX_VALUE);
    noIndex.setLong(HubProperties.WRITE_BUFFER_BYTES, 1L << 30);
    Space big = EmbeddingHub.open(root, noIndex).createSpace(SpaceSpec.builder("big", 16).buckets(16).build());
    Random random = new Random(1);
    big.multiset(java.util.stream.IntStream.range(0, 1_000_000).mapToObj(i -> {
      float[] v = new float[16];
      for (int d = 0; d < 16; d++) {
        v[d] = random.nextFloat();
      }
      return Map.entry("id-" + i, v);
    }));
    String parquet = hubDir.resolve("plain-parquet").toUri().toString();
    spark.read().format("embeddinghub").option("path", root).option("space", "big").load().write().parquet(parquet);
    List<Row> keyRows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keyRows.add(RowFactory.create("id-" + random.nextInt(1_000_000)));
    }
    Dataset<Row> keys = spark.createDataFrame(keyRows, new StructType().add("key", DataTypes.StringType)).cache();
    keys.count();
    double ours = time(() -> distributed.multiget("big", keys).collectAsList());
    double join = time(() -> keys.join(spark.read().parquet(parquet), "key").collectAsList());
    lines.add(String.format(Locale.ROOT, "| multiget 1,000 keys of 1,000,000: EmbeddingHubSpark.multiget | %.2f s | %.2f× the Parquet join |", ours, ours / join));
    lines.add(String.format(Locale.ROOT, "| multiget 1,000 keys of 1,000,000: Spark join on plain Parquet | %.2f s | 1.00 |", join));

    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("spark-report.md")))) {
      out.println("| operation | queries | seconds | queries/s | recall@10 |");
      out.println("|---|---:|---:|---:|---:|");
      lines.forEach(out::println);
    }
    lines.forEach(System.out::println);
    spark.stop();
  }

  /**
   * A {@code local[*]} session at default settings with the extensions and the catalog {@code eh}
   * on the hub at {@code root}, logging errors only.
   */
  static SparkSession catalogSession(String app, String root) {
    SparkSession spark = SparkSession.builder().master("local[*]").appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", EmbeddingHubExtensions.class.getName())
        .config("spark.sql.catalog.eh", EmbeddingHubCatalog.class.getName())
        .config("spark.sql.catalog.eh.path", root)
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    return spark;
  }

  static String row(String what, int queries, double seconds, double recall) {
    return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %s |", what, queries, seconds, queries / seconds,
        Double.isNaN(recall) ? "-" : String.format(Locale.ROOT, "%.4f", recall));
  }

  static Dataset<Row> queries(SparkSession spark, float[][] queries, int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(RowFactory.create((long) i, toList(queries[i])));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false)));
  }

  static Dataset<Row> baseFrame(SparkSession spark, float[][] base) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < base.length; i++) {
      rows.add(RowFactory.create("r" + i, toList(base[i])));
    }
    return spark.createDataFrame(rows, new StructType().add("key", DataTypes.StringType)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false)));
  }

  private static List<Float> toList(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float f : v) {
      list.add(f);
    }
    return list;
  }

  /** Recall@K of rows (query id, ..., key at {@code keyColumn}) against the true neighbors. */
  static double recall(List<Row> result, int[][] truth, int keyColumn) {
    Map<Long, Set<Integer>> found = new HashMap<>();
    for (Row r : result) {
      found.computeIfAbsent(r.getLong(0), q -> new HashSet<>()).add(Integer.parseInt(r.getString(keyColumn).substring(1)));
    }
    long hits = 0;
    for (int q = 0; q < truth.length; q++) {
      Set<Integer> f = found.getOrDefault((long) q, Set.of());
      for (int t : truth[q]) {
        if (f.contains(t)) {
          hits++;
        }
      }
    }
    return hits / (double) (truth.length * K);
  }

  static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
