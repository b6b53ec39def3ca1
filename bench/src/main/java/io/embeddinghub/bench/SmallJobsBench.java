package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue #22's "small jobs stay small": a notebook-sized job (default 20,000 × 32-d, the rows of
 * notebooks/spark-pipeline) through Spark ({@code local[2]}, every Spark and store setting at its
 * default) against the same job through the embedded API, in one JVM, alternating, each round
 * into new spaces:
 *
 * <ul>
 *   <li>write, indexed: a DataFrame write (the action indexes the tail, the write's default) vs
 *       {@code multiset} then {@code awaitIndexed()} (the background build);
 *   <li>write, not indexed: the DataFrame write with {@code index=defer} vs {@code multiset} in a
 *       hub with automatic indexing off;
 *   <li>index build of those spaces: {@code EmbeddingHubSpark.buildIndex} vs {@code
 *       Space.buildIndex()}.
 * </ul>
 *
 * Every space is checked to hold the rows written (size, and the index covering all of them).
 * Prints the median of each, the ratio Spark / embedded, and the Spark jobs each Spark step ran.
 *
 * <p>Arguments: {@code [rows] [dims] [rounds]}.
 */
public final class SmallJobsBench {
  private SmallJobsBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int dims = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path dir = Files.createTempDirectory("eh-small-jobs");
    String root = dir.resolve("hub").toUri().toString();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("embeddinghub-small-jobs")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    JobCounter jobs = new JobCounter();
    spark.sparkContext().addSparkListener(jobs);

    Random random = new Random(7);
    float[][] centres = new float[40][dims];
    for (float[] c : centres) {
      for (int d = 0; d < dims; d++) {
        c[d] = (float) random.nextGaussian() * 4;
      }
    }
    Map<String, float[]> model = new LinkedHashMap<>();
    List<Row> input = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      float[] c = centres[random.nextInt(centres.length)];
      float[] v = new float[dims];
      List<Float> boxed = new ArrayList<>(dims);
      for (int d = 0; d < dims; d++) {
        v[d] = c[d] + (float) random.nextGaussian();
        boxed.add(v[d]);
      }
      model.put("doc-" + i, v);
      input.add(RowFactory.create("doc-" + i, boxed));
    }
    StructType schema = new StructType().add("key", DataTypes.StringType)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = spark.createDataFrame(input, schema);

    EmbeddingHub hub = EmbeddingHub.open(root);
    Configuration manual = new Configuration();
    manual.set(HubProperties.INDEX_AUTO_TAIL_ROWS, "0");
    EmbeddingHub manualHub = EmbeddingHub.open(root, manual);
    EmbeddingHubSpark hubSpark = EmbeddingHubSpark.open(spark, root);

    String[] steps = {"write, indexed", "write, not indexed", "index build"};
    double[][] sparkSeconds = new double[steps.length][rounds];
    double[][] embeddedSeconds = new double[steps.length][rounds];
    int[] sparkJobs = new int[steps.length];
    for (int r = 0; r < rounds; r++) {
      boolean sparkFirst = r % 2 == 0;
      for (int side = 0; side < 2; side++) {
        if ((side == 0) == sparkFirst) {
          String a = "spark_indexed_" + r;
          jobs.reset();
          long t0 = System.nanoTime();
          df.write().format("embeddinghub").option("path", root).option("space", a).mode("append").save();
          sparkSeconds[0][r] = (System.nanoTime() - t0) / 1e9;
          sparkJobs[0] = jobs.settledCount();
          check(hub.getSpace(a), rows, true);

          String b = "spark_deferred_" + r;
          jobs.reset();
          t0 = System.nanoTime();
          df.write().format("embeddinghub").option("path", root).option("space", b).option("index", "defer")
              .mode("append").save();
          sparkSeconds[1][r] = (System.nanoTime() - t0) / 1e9;
          sparkJobs[1] = jobs.settledCount();
          if (r == rounds - 1) {
            System.out.println("jobs of the last deferred write: " + jobs.log());
          }
          check(hub.getSpace(b), rows, false);
          jobs.reset();
          t0 = System.nanoTime();
          hubSpark.buildIndex(b);
          sparkSeconds[2][r] = (System.nanoTime() - t0) / 1e9;
          sparkJobs[2] = jobs.settledCount();
          check(hub.getSpace(b), rows, true);
        } else {
          String a = "embedded_indexed_" + r;
          long t0 = System.nanoTime();
          Space indexed = hub.createSpace(a, dims);
          indexed.multiset(model);
          indexed.awaitIndexed();
          embeddedSeconds[0][r] = (System.nanoTime() - t0) / 1e9;
          check(indexed, rows, true);

          String b = "embedded_deferred_" + r;
          t0 = System.nanoTime();
          Space deferred = manualHub.createSpace(b, dims);
          deferred.multiset(model);
          embeddedSeconds[1][r] = (System.nanoTime() - t0) / 1e9;
          check(deferred, rows, false);
          t0 = System.nanoTime();
          deferred.buildIndex();
          embeddedSeconds[2][r] = (System.nanoTime() - t0) / 1e9;
          check(deferred, rows, true);
        }
      }
      System.out.printf(Locale.ROOT, "round %d: spark %s s, embedded %s s%n", r + 1,
          Arrays.toString(column(sparkSeconds, r)), Arrays.toString(column(embeddedSeconds, r)));
    }
    System.out.printf(Locale.ROOT, "%n%,d × %d-d, local[2], default settings, median of %d rounds%n%n", rows, dims, rounds);
    System.out.println("| step | Spark | embedded | Spark / embedded | Spark jobs |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (int s = 0; s < steps.length; s++) {
      double sp = median(sparkSeconds[s]);
      double em = median(embeddedSeconds[s]);
      System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f× | %d |%n", steps[s], sp, em, sp / em, sparkJobs[s]);
    }
    spark.stop();
  }

  /** Fails the run unless the space holds {@code rows} rows, all of them indexed when {@code indexed}. */
  private static void check(Space space, int rows, boolean indexed) {
    if (space.size() != rows) {
      throw new AssertionError(space.name() + " holds " + space.size() + " rows, " + rows + " were written");
    }
    if (indexed != (space.unindexedRows() == 0)) {
      throw new AssertionError(space.name() + ": " + space.unindexedRows() + " rows unindexed, expected "
          + (indexed ? "none" : "all"));
    }
  }

  private static double[] column(double[][] seconds, int round) {
    double[] out = new double[seconds.length];
    for (int s = 0; s < seconds.length; s++) {
      out[s] = Math.round(seconds[s][round] * 100) / 100.0;
    }
    return out;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  /** Counts the Spark jobs started since the last reset. */
  private static final class JobCounter extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();

    private final Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> finished = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
      jobs.incrementAndGet();
      started.put(start.jobId(), start.time());
      int tasks = 0;
      for (org.apache.spark.scheduler.StageInfo stage : scala.jdk.javaapi.CollectionConverters.asJava(start.stageInfos())) {
        tasks += stage.numTasks();
      }
      finished.add("job " + start.jobId() + " (" + start.stageInfos().size() + " stages, " + tasks + " tasks)");
    }

    @Override
    public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd end) {
      Long t = started.get(end.jobId());
      finished.add("job " + end.jobId() + " ended after " + (t == null ? "?" : (end.time() - t)) + " ms");
    }

    void reset() {
      jobs.set(0);
      finished.clear();
    }

    /** What the jobs since the last reset did, one line each. */
    List<String> log() {
      return new ArrayList<>(finished);
    }

    /** The count once the listener bus has delivered what it holds (it is asynchronous). */
    int settledCount() {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return jobs.get();
    }
  }
}
