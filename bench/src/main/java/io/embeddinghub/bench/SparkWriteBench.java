package io.embeddinghub.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Spark write parallelism (issue #10 item 2), ratios in one run: the same cached DataFrame written
 * to a space created by the write with default settings (8 buckets) and as plain Parquet by Spark.
 * Reported per write: wall time, tasks, task time summed over tasks (busy core-seconds: with 2
 * cores, near twice the wall time means both were busy), files written. Order alternates and each
 * write is repeated; the median is reported.
 *
 * <p>Arguments: {@code [rows] [dims] [repeats] [results-dir]}, defaults 2,000,000 / 32 / 3 /
 * bench/results.
 */
public final class SparkWriteBench {
  private SparkWriteBench() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    int dims = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path results = Path.of(args.length > 3 ? args[3] : "bench/results");
    Path dir = Files.createTempDirectory("eh-write-bench");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("embeddinghub-write-bench")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Dataset<Row> frame = spark.range(0, rows, 1, 4).selectExpr(
            "format_string('k%012d', id) AS key",
            "transform(sequence(1, " + dims + "), i -> CAST(sin(id * 0.7 + i * 1.3) AS FLOAT)) AS embedding")
        .persist(StorageLevel.MEMORY_ONLY());
    System.out.printf(Locale.ROOT, "%,d rows x %d-d cached%n", frame.count(), dims);

    TaskCounter counter = new TaskCounter();
    spark.sparkContext().addSparkListener(counter);
    List<double[]> ours = new ArrayList<>();
    List<double[]> plain = new ArrayList<>();
    List<double[]> floor = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      String root = dir.resolve("hub-" + r).toUri().toString();
      String parquet = dir.resolve("parquet-" + r).toUri().toString();
      // the write alone: indexing deferred (the row below measures the default, indexing in the action)
      Runnable space = () -> frame.write().format("embeddinghub").option("path", root).option("space", "items")
          .option("dimensions", Integer.toString(dims)).option("index", "defer").mode("append").save();
      Runnable parquetWrite = () -> frame.write().parquet(parquet);
      // The floor of any write whose rows meet by key: the same kind of range shuffle and sort,
      // into Spark's noop sink (nothing encoded or written).
      Runnable shuffleOnly = () -> frame.repartitionByRange(functions.expr("pmod(hash(key), 8)"), functions.col("key"))
          .sortWithinPartitions(functions.expr("pmod(hash(key), 8)"), functions.col("key"))
          .write().format("noop").mode("overwrite").save();
      if (r % 2 == 0) {
        ours.add(measure(spark, counter, space));
        plain.add(measure(spark, counter, parquetWrite));
      } else {
        plain.add(measure(spark, counter, parquetWrite));
        ours.add(measure(spark, counter, space));
      }
      floor.add(measure(spark, counter, shuffleOnly));
      ours.get(r)[3] = countFiles(dir.resolve("hub-" + r).resolve("items").resolve("data"), ".parquet");
      plain.get(r)[3] = countFiles(dir.resolve("parquet-" + r), ".parquet");
    }
    // once more at default settings: the action writes, then indexes the tail (its own version)
    String autoRoot = dir.resolve("hub-auto").toUri().toString();
    double[] auto = measure(spark, counter, () -> frame.write().format("embeddinghub").option("path", autoRoot)
        .option("space", "items").option("dimensions", Integer.toString(dims)).mode("append").save());
    List<io.embeddinghub.VersionInfo> history = io.embeddinghub.EmbeddingHub.open(autoRoot).getSpace("items").history();
    double indexSeconds = history.size() < 3 ? 0
        : java.time.Duration.between(history.get(1).timestamp(), history.get(2).timestamp()).toMillis() / 1e3;
    double[] o = median(ours);
    double[] p = median(plain);
    double[] f = median(floor);
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "| plain Parquet (`df.write().parquet`) | %.1f s | %d | %.1f s | %d | 1.00× |",
        p[0], (long) p[1], p[2], (long) p[3]));
    lines.add(String.format(Locale.ROOT, "| EmbeddingHub, new space, default settings (8 buckets), indexing deferred | %.1f s | %d | %.1f s | %d | %.2f× |",
        o[0], (long) o[1], o[2], (long) o[3], p[0] / o[0]));
    lines.add(String.format(Locale.ROOT, "| EmbeddingHub, default settings, indexing in the action (%s): write %.1f s + index %.1f s | %.1f s | %d | %.1f s | %d | %.2f× |",
        history.stream().map(io.embeddinghub.VersionInfo::operation).toList(), auto[0] - indexSeconds, indexSeconds,
        auto[0], (long) auto[1], auto[2], (long) countFiles(dir.resolve("hub-auto").resolve("items").resolve("data"), ".parquet"),
        p[0] / auto[0]));
    lines.add(String.format(Locale.ROOT, "| floor: range shuffle and sort by key into Spark's noop sink | %.1f s | %d | %.1f s | 0 | %.2f× |",
        f[0], (long) f[1], f[2], p[0] / f[0]));
    Files.createDirectories(results);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results.resolve("write-report.md")))) {
      out.printf(Locale.ROOT, "Spark write of %,d rows x %d-d on local[2], median of %d (load average before: %s)%n%n",
          rows, dims, repeats, loadAverage());
      out.println("| write | wall time | tasks | task time (all tasks) | files | speed vs Parquet |");
      out.println("|---|---:|---:|---:|---:|---:|");
      lines.forEach(out::println);
    }
    lines.forEach(System.out::println);
    spark.stop();
  }

  private static double[] measure(SparkSession spark, TaskCounter counter, Runnable write) throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    counter.reset();
    long t0 = System.nanoTime();
    write.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    spark.sparkContext().listenerBus().waitUntilEmpty();
    System.out.printf(Locale.ROOT, "%.1f s%n%s", seconds, counter.stageSummary());
    return new double[] {seconds, counter.tasks.get(), counter.taskMillis.get() / 1e3, 0};
  }

  private static long countFiles(Path dir, String suffix) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
    }
  }

  private static String loadAverage() throws java.io.IOException {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " (5-min " + parts[1] + ")";
  }

  private static double[] median(List<double[]> runs) {
    List<double[]> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(a[0], b[0]));
    return sorted.get(sorted.size() / 2);
  }

  /** Counts finished tasks and their run time. */
  private static final class TaskCounter extends SparkListener {
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicLong taskMillis = new AtomicLong();
    /** Per stage: tasks, task milliseconds, first launch, last finish (epoch ms). */
    final java.util.Map<Integer, long[]> stages = new java.util.concurrent.ConcurrentSkipListMap<>();

    void reset() {
      tasks.set(0);
      taskMillis.set(0);
      stages.clear();
    }

    /** One line per stage of the last measured write: its tasks, task time and span. */
    String stageSummary() {
      StringBuilder out = new StringBuilder();
      stages.forEach((id, s) -> out.append(String.format(Locale.ROOT,
          "stage %d: %d tasks, %.1f task-s (cpu %.1f s, gc %.1f s, shuffle write %.1f s), %.1f s from first launch"
              + " to last finish%n",
          id, s[0], s[1] / 1e3, s[4] / 1e9, s[5] / 1e3, s[6] / 1e9, (s[3] - s[2]) / 1e3)));
      return out.toString();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      tasks.incrementAndGet();
      taskMillis.addAndGet(end.taskInfo().duration());
      var metrics = end.taskMetrics();
      stages.merge(end.stageId(),
          new long[] {1, end.taskInfo().duration(), end.taskInfo().launchTime(), end.taskInfo().finishTime(),
              metrics.executorCpuTime(), metrics.jvmGCTime(), metrics.shuffleWriteMetrics().writeTime()},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], Math.min(a[2], b[2]), Math.max(a[3], b[3]),
              a[4] + b[4], a[5] + b[5], a[6] + b[6]});
    }
  }
}
