package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue #26's selectivity sweep through Spark SQL, at default settings: Fashion-MNIST written into
 * one space by a DataFrame write (indexed in the write's action) and into another by an embedded
 * bulk load; a {@code products} table flags a fraction of the keys {@code in_stock} (row modulo
 * 1,000 below a threshold: 100%, 10%, 1%, 0.1%). Each sweep point runs the same {@code APPROX
 * NEAREST 10} join with the space side under {@code WHERE key IN (SELECT key FROM products WHERE
 * in_stock)} on both spaces, and on the same rows as a plain DataFrame (Spark 4.2's own plan: a
 * filtered cross product, whose cost per query falls with the selectivity, so it runs {@code
 * slow-baseline-queries / selectivity} of the queries, at most all: 50 at 100%, 500 at 10%, …).
 * Recall@10 is against brute force over the allowed rows; every query must return exactly 10 rows.
 *
 * <p>Arguments: {@code <train-idx> <test-idx> <results-dir> [queries] [slow-baseline-queries]}.
 */
public final class SparkFilteredBench {
  private static final int K = 10;
  private static final int GROUPS = 1_000;

  private SparkFilteredBench() {}

  public static void main(String[] args) throws Exception {
    float[][] base = FashionMnist.read(Path.of(args[0]), 60_000);
    Path results = Path.of(args[2]);
    int queryCount = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    int slowCount = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    float[][] queries = FashionMnist.read(Path.of(args[1]), queryCount);
    int dims = base[0].length;
    Path hubDir = Files.createTempDirectory("eh-spark-filtered");
    String root = hubDir.resolve("hub").toUri().toString();
    SparkSession spark = SparkBench.catalogSession("embeddinghub-filtered-bench", root);

    Dataset<Row> baseDf = SparkBench.baseFrame(spark, base).cache();
    baseDf.count();
    baseDf.createOrReplaceTempView("plain");
    baseDf.write().format("embeddinghub").option("path", root).option("space", "by_spark").mode("append").save();
    Space embedded = EmbeddingHub.open(root).createSpace("by_embedded", dims);
    embedded.multiset(IntStream.range(0, base.length).mapToObj(i -> Map.entry("r" + i, base[i])));
    embedded.awaitIndexed();
    SparkBench.queries(spark, queries, queries.length).cache().createOrReplaceTempView("all_queries");

    List<String> rows = new ArrayList<>();
    for (int groups : new int[] {GROUPS, 100, 10, 1}) {
      List<Row> products = new ArrayList<>();
      List<Integer> allowed = new ArrayList<>();
      for (int i = 0; i < base.length; i++) {
        boolean inStock = i % GROUPS < groups;
        products.add(RowFactory.create("r" + i, inStock));
        if (inStock) {
          allowed.add(i);
        }
      }
      spark.createDataFrame(products, new StructType().add("key", DataTypes.StringType).add("in_stock", DataTypes.BooleanType))
          .cache().createOrReplaceTempView("products");
      int[][] truth = truthOver(base, allowed, queries);
      String selectivity = groups == GROUPS ? "100%" : (groups * 100.0 / GROUPS) + "%";
      String where = " WHERE key IN (SELECT key FROM products WHERE in_stock)";
      Map<String, Double> qps = new HashMap<>();
      for (String space : List.of("by_spark", "by_embedded")) {
        String sql = "SELECT q.id, s.key FROM all_queries q JOIN (SELECT * FROM eh." + space + where
            + ") s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.vector, s.embedding)";
        String plan = spark.sql(sql).queryExecution().executedPlan().toString();
        if (!plan.contains("EmbeddingHub")) {
          throw new AssertionError("the filtered join was not rewritten:\n" + plan);
        }
        spark.sql(sql).collectAsList(); // warm-up: the executors' caches fill
        List<Row> got = new ArrayList<>();
        double seconds = SparkBench.time(() -> got.addAll(spark.sql(sql).collectAsList()));
        checkExactlyK(got, queries.length, space);
        qps.put(space, queries.length / seconds);
        rows.add(SparkBench.row(selectivity + " (" + allowed.size() + " rows), space written by "
            + (space.equals("by_spark") ? "a DataFrame write" : "the embedded bulk load"), queries.length, seconds,
            SparkBench.recall(got, truth, 1)));
      }
      int baselineCount = (int) Math.min(queries.length, (long) slowCount * GROUPS / groups);
      SparkBench.queries(spark, queries, baselineCount).cache().createOrReplaceTempView("few_queries");
      String slowSql = "SELECT q.id, b.key FROM few_queries q JOIN (SELECT * FROM plain" + where
          + ") b APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.vector, b.embedding)";
      List<Row> slow = new ArrayList<>();
      double slowSeconds = SparkBench.time(() -> slow.addAll(spark.sql(slowSql).collectAsList()));
      double baseline = baselineCount / slowSeconds;
      rows.add(SparkBench.row(selectivity + ", Spark 4.2's own plan on the plain rows", baselineCount, slowSeconds,
          SparkBench.recall(slow, java.util.Arrays.copyOf(truth, baselineCount), 1)));
      rows.add(String.format(Locale.ROOT, "| %s, ratio to Spark's plan: DataFrame-written %.0f×, embedded-written %.0f× | | | | |",
          selectivity, qps.get("by_spark") / baseline, qps.get("by_embedded") / baseline));
    }
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("spark-filtered-report.md")))) {
      out.println("| filtered APPROX NEAREST 10 join | queries | seconds | queries/s | recall@10 |");
      out.println("|---|---:|---:|---:|---:|");
      rows.forEach(out::println);
    }
    rows.forEach(System.out::println);
    spark.stop();
  }

  /** Brute force over the allowed rows, as row numbers of {@code base}. */
  private static int[][] truthOver(float[][] base, List<Integer> allowed, float[][] queries) throws Exception {
    int dims = base[0].length;
    float[] flat = new float[allowed.size() * dims];
    for (int i = 0; i < allowed.size(); i++) {
      System.arraycopy(base[allowed.get(i)], 0, flat, i * dims, dims);
    }
    int[][] local = GroundTruth.exact(flat, dims, queries, K, Runtime.getRuntime().availableProcessors());
    int[][] truth = new int[local.length][];
    for (int q = 0; q < local.length; q++) {
      truth[q] = new int[local[q].length];
      for (int j = 0; j < local[q].length; j++) {
        truth[q][j] = allowed.get(local[q][j]);
      }
    }
    return truth;
  }

  private static void checkExactlyK(List<Row> answers, int queries, String space) {
    int[] perQuery = new int[queries];
    for (Row r : answers) {
      perQuery[(int) r.getLong(0)]++;
    }
    for (int q = 0; q < queries; q++) {
      if (perQuery[q] != K) {
        throw new AssertionError(space + ": query " + q + " returned " + perQuery[q] + " rows, not " + K);
      }
    }
  }
}
