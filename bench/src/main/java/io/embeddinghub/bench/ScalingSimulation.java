package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexParams;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.IndexResult;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The scaled simulation behind docs/SCALING.md: the plan for 10⁹ × 768-d shrunk by a row factor
 * so that what shapes the jobs stays as planned — rows per data file relative to rows per bucket
 * (files per bucket), rows per index partition, tasks per stage — while vectors get small enough
 * for this machine. Runs the stages on local Spark: a DataFrame write into the space, the index
 * build as a Spark job (map per tail file, reduce per partition), a batch kNN and a multiget;
 * reports the layout it got, tasks and time per stage, and per-core rates.
 *
 * <p>Arguments: {@code rows dims buckets targetFileRows partitionRows [results-dir]}; the plan's
 * simulation is {@code 10000000 8 20 43300 87400}.
 */
public final class ScalingSimulation {
  private ScalingSimulation() {}

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int dims = Integer.parseInt(args[1]);
    int buckets = Integer.parseInt(args[2]);
    int targetFileRows = Integer.parseInt(args[3]);
    long partitionRows = Long.parseLong(args[4]);
    Path results = Path.of(args.length > 5 ? args[5] : "bench/results");
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("eh-scaling");
    String root = dir.toUri().toString();
    SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("embeddinghub-scaling")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    StageLog stages = new StageLog();
    spark.sparkContext().addSparkListener(stages);

    Configuration conf = new Configuration();
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    long partitionBytes = partitionRows * dims * Float.BYTES;
    // the target bytes scaled with the rows, so the write's advisory task size gives the plan's task count
    long targetFileBytes = (long) targetFileRows * (dims * Float.BYTES + 32);
    EmbeddingHub.open(root, conf).createSpace(SpaceSpec.builder("sim", dims).buckets(buckets)
        .targetFileRows(targetFileRows).targetFileBytes(targetFileBytes)
        .indexParams(IndexParams.DEFAULT.withPartitionBytes(partitionBytes)).build());

    // 1,000 clusters: a coarse quantizer has something to find
    Dataset<Row> frame = spark.range(0, rows, 1, Math.max(cores, (int) (rows / 1_000_000))).selectExpr(
        "format_string('k%012d', id) AS key",
        "transform(sequence(1, " + dims + "), i -> CAST(4 * sin((id % 1000) * 7.13 + i * 1.7)"
            + " + 0.3 * sin(id * 0.37 + i * 2.9) AS FLOAT)) AS embedding");
    List<String> lines = new ArrayList<>();
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);

    stages.reset();
    double write = seconds(() -> frame.write().format("embeddinghub").option("path", root).option("space", "sim")
        .mode("append").save());
    lines.add(stages.report("write", write, rows, cores));

    stages.reset();
    IndexResult[] built = new IndexResult[1];
    double index = seconds(() -> built[0] = hub.buildIndex("sim"));
    lines.add(stages.report("index build", index, rows, cores));

    Dataset<Row> queries = spark.range(0, 1000, 1, cores).selectExpr("id",
        "transform(sequence(1, " + dims + "), i -> CAST(4 * sin(((id * 7919) % 1000) * 7.13 + i * 1.7) AS FLOAT)) AS vector");
    stages.reset();
    double knn = seconds(() -> hub.nearestNeighbors("sim", queries, 10).collectAsList());
    lines.add(stages.report("kNN, 1,000 queries", knn, 1000, cores));

    Dataset<Row> keys = spark.range(0, 1000, 1, cores).selectExpr("format_string('k%012d', (id * 7919 * 104729) % " + rows + ") AS key");
    stages.reset();
    double multiget = seconds(() -> hub.multiget("sim", keys).collectAsList());
    lines.add(stages.report("multiget, 1,000 keys", multiget, 1000, cores));

    Space space = EmbeddingHub.open(root, conf).getSpace("sim");
    Map<Integer, Integer> filesPerBucket = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir.resolve("sim").resolve("data"))) {
      files.filter(f -> f.toString().endsWith(".parquet")).forEach(f -> filesPerBucket.merge(
          Integer.parseInt(f.getParent().getFileName().toString().substring("bucket=".length())), 1, Integer::sum));
    }
    LongSummaryStatistics perBucket = filesPerBucket.values().stream().mapToLong(Integer::longValue).summaryStatistics();
    LongSummaryStatistics perPartition = space.indexPartitions().stream().mapToLong(IndexPartitionInfo::rows).summaryStatistics();
    String layout = String.format(Locale.ROOT,
        "%,d rows x %d-d, %d buckets, target %,d rows per file, %,d rows per partition, %d cores:%n"
            + "data files per bucket %d-%d (mean %.1f, %d files); index partitions %d (rows %,d-%,d, mean %,.0f); %s",
        rows, dims, buckets, targetFileRows, partitionRows, cores, perBucket.getMin(), perBucket.getMax(),
        perBucket.getAverage(), perBucket.getSum(), perPartition.getCount(), perPartition.getMin(), perPartition.getMax(),
        perPartition.getAverage(), space.searchPlan(io.embeddinghub.SearchOptions.DEFAULT));
    // the build's log entry lists each covered file once (log format 3); format 2 listed, in every
    // partition, the files it holds rows of
    long entryBytes = Files.size(dir.resolve("sim").resolve("_log").resolve(String.format("%020d.json", built[0].version())));
    double pathBytes = space.dataFiles().stream().mapToInt(f -> f.path().length() + 3).average().orElse(0);
    long listedByPartitions = space.indexPartitions().stream().mapToLong(IndexPartitionInfo::dataFiles).sum();
    layout += String.format(Locale.ROOT,
        "%nindex build's log entry: %,d bytes, %,d data file paths (format 3); format 2 would have listed %,d paths (~%,d bytes)",
        entryBytes, space.dataFiles().size(), listedByPartitions,
        entryBytes + (long) ((listedByPartitions - space.dataFiles().size()) * pathBytes));
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("scaling-report.md")))) {
      out.println(layout);
      out.println();
      out.println("| stage | wall time | stages (tasks each) | rate per core |");
      out.println("|---|---:|---|---:|");
      lines.forEach(out::println);
    }
    System.out.println(layout);
    lines.forEach(System.out::println);
    spark.stop();
  }

  private static double seconds(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Completed stages since the last reset: their names and task counts. */
  private static final class StageLog extends SparkListener {
    private final ConcurrentLinkedQueue<StageInfo> completed = new ConcurrentLinkedQueue<>();

    void reset() {
      completed.clear();
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      completed.add(event.stageInfo());
    }

    String report(String what, double seconds, long items, int cores) {
      try {
        org.apache.spark.sql.SparkSession.active().sparkContext().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
      List<String> parts = new ArrayList<>();
      for (StageInfo s : completed) {
        String name = s.name().contains(" at ") ? s.name().substring(0, s.name().indexOf(" at ")) : s.name();
        parts.add(name + " (" + s.numTasks() + ")");
      }
      return String.format(Locale.ROOT, "| %s | %.1f s | %s | %,.0f /s |", what, seconds, String.join(", ", parts),
          items / seconds / cores);
    }
  }
}
