package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.Space;
import io.embeddinghub.VersionInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The headline of issue #22 at default settings: Fashion-MNIST written into a new space the way
 * most users do it, by a DataFrame write (no option, no manual build: the write's action indexes
 * it), and the same rows bulk-loaded through the embedded API into a default space (indexed in
 * the background); then the same 10,000 queries as a Spark SQL {@code APPROX NEAREST} join on
 * each space, against Spark 4.2's own NEAREST BY plan over the same rows as a plain DataFrame,
 * measured in the same run on a subset of queries (it is a cross product).
 *
 * <p>Arguments: {@code <train-idx> <test-idx> <results-dir> [queries] [slow-baseline-queries]}.
 */
public final class SparkDefaultsBench {
  private static final int K = 10;

  private SparkDefaultsBench() {}

  private static String nearestBy(String space) {
    return "SELECT q.id, s.key FROM all_queries q JOIN eh." + space
        + " s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.vector, s.embedding)";
  }

  public static void main(String[] args) throws Exception {
    float[][] base = FashionMnist.read(Path.of(args[0]), 60_000);
    Path results = Path.of(args[2]);
    int queryCount = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    int slowCount = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    float[][] queries = FashionMnist.read(Path.of(args[1]), queryCount);
    int[][] truth = GroundTruth.load(results.resolve("truth-" + base.length + "-" + queries.length + ".i32"), base, queries, K,
        Runtime.getRuntime().availableProcessors());
    Path hubDir = Files.createTempDirectory("eh-spark-defaults");
    String root = hubDir.resolve("hub").toUri().toString();
    SparkSession spark = SparkBench.catalogSession("embeddinghub-defaults-bench", root);
    List<String> lines = new ArrayList<>();

    Dataset<Row> baseDf = SparkBench.baseFrame(spark, base).cache();
    baseDf.count();
    // 1. a DataFrame write at default settings: the action writes, then indexes the tail
    double written = SparkBench.time(() -> baseDf.write().format("embeddinghub").option("path", root)
        .option("space", "by_spark").mode("append").save());
    // 2. the same rows bulk-loaded through the embedded API into a default space
    EmbeddingHub hub = EmbeddingHub.open(root);
    double loaded = SparkBench.time(() -> {
      Space space = hub.createSpace("by_embedded", 784);
      space.multiset(IntStream.range(0, base.length).mapToObj(i -> Map.entry("r" + i, base[i])));
      space.awaitIndexed();
    });
    for (String name : List.of("by_spark", "by_embedded")) {
      Space s = EmbeddingHub.open(root).getSpace(name);
      lines.add(String.format(Locale.ROOT, "| layout of %s | %d data files, %d index partitions over %d rows, %d unindexed; versions %s |",
          name, s.dataFiles().size(), s.indexPartitions().size(),
          s.indexPartitions().stream().mapToLong(IndexPartitionInfo::rows).sum(), s.unindexedRows(),
          s.history().stream().map(VersionInfo::operation).toList()));
    }
    lines.add(String.format(Locale.ROOT, "| DataFrame write incl. its index build | %.1f s |", written));
    lines.add(String.format(Locale.ROOT, "| embedded bulk load + background index | %.1f s |", loaded));

    Dataset<Row> queryDf = SparkBench.queries(spark, queries, queries.length).cache();
    queryDf.count();
    queryDf.createOrReplaceTempView("all_queries");
    List<String> rows = new ArrayList<>();
    List<String> names = List.of("by_spark", "by_embedded");
    List<String> labels = List.of("a DataFrame write", "the embedded bulk load");
    double[][] seconds = new double[2][3];
    List<List<Row>> answers = List.of(new ArrayList<>(), new ArrayList<>());
    for (int n = 0; n < 2; n++) { // first runs (the executors' caches fill), reported apart
      String sql = nearestBy(names.get(n));
      rows.add(SparkBench.row("NEAREST BY on the space written by " + labels.get(n) + ", first run", queries.length,
          SparkBench.time(() -> spark.sql(sql).collectAsList()), Double.NaN));
    }
    for (int round = 0; round < 3; round++) { // then 3 rounds, alternating which space goes first
      for (int j = 0; j < 2; j++) {
        int n = (round + j) % 2;
        String sql = nearestBy(names.get(n));
        List<Row> got = answers.get(n);
        got.clear();
        seconds[n][round] = SparkBench.time(() -> got.addAll(spark.sql(sql).collectAsList()));
      }
    }
    double[] qps = new double[2];
    for (int n = 0; n < 2; n++) {
      java.util.Arrays.sort(seconds[n]);
      qps[n] = queries.length / seconds[n][1];
      rows.add(SparkBench.row("NEAREST BY on the space written by " + labels.get(n) + " (median of 3)", queries.length,
          seconds[n][1], SparkBench.recall(answers.get(n), truth, 1)));
    }
    Dataset<Row> few = SparkBench.queries(spark, queries, slowCount).cache();
    few.count();
    few.createOrReplaceTempView("q");
    baseDf.createOrReplaceTempView("b");
    double nearestBy = SparkBench.time(() -> spark.sql("SELECT q.id, b.key FROM q JOIN b APPROX NEAREST 10 BY DISTANCE "
        + "vector_l2_distance(q.vector, b.embedding)").collectAsList());
    double baseline = slowCount / nearestBy;
    rows.add(SparkBench.row("Spark 4.2 NEAREST BY on a plain DataFrame (its cross-product plan)", slowCount, nearestBy, Double.NaN));
    rows.add(String.format(Locale.ROOT, "| ratio to Spark's plan: DataFrame-written %.0f×, embedded-written %.0f× | | | | |",
        qps[0] / baseline, qps[1] / baseline));

    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("spark-defaults-report.md")))) {
      lines.forEach(out::println);
      out.println();
      out.println("| operation | queries | seconds | queries/s | recall@10 |");
      out.println("|---|---:|---:|---:|---:|");
      rows.forEach(out::println);
    }
    lines.forEach(System.out::println);
    rows.forEach(System.out::println);
    spark.stop();
  }
}
