package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Neighbor;
import io.embeddinghub.Space;
import io.embeddinghub.VersionInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Issue #22's executor figure: a Spark application whose executor has a 1 GB heap and 2 task
 * slots ({@code local-cluster[1,2,1024]}: a standalone master and one worker inside this JVM, the
 * executor a separate JVM with {@code spark.executor.memory=1g}, {@code spark.executor.cores=2})
 * writes {@code rows} × {@code dims} vectors into a new space with a DataFrame write at default
 * settings — no option but the space's dimensions — whose action indexes the unindexed rows
 * (the write's default), then checks that nothing is left unindexed and that nearest-neighbour
 * queries on the driver agree with brute force over the generator (the oracle: every vector is a
 * function of its row number, so the driver regenerates them instead of reading the space).
 *
 * <p>The executor logs its collections ({@code -Xlog:gc:file=…:time}); the peak heap reported is
 * the largest heap occupancy before a collection and after one, per phase (the write's data
 * commit splits the action into write and index build).
 *
 * <p>Run through {@code bench/run-executor-1g.sh}, which sets {@code SPARK_HOME} (a directory this
 * program fills with links to its classpath's jars, as the connector's cluster suite does) and
 * {@code SPARK_SCALA_VERSION}. Arguments: {@code <work-dir> [rows] [dims] [queries]}.
 */
public final class SparkExecutorBuildBench {
  /** System property holding the JVM flags executors need ({@code --add-opens …}). */
  static final String EXECUTOR_FLAGS = "embeddinghub.bench.executor.jvm.flags";

  private SparkExecutorBuildBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 4_000_000;
    int dims = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int queries = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    String executorMemory = System.getProperty("bench.executor.memory", "1g");
    int executorCores = Integer.getInteger("bench.executor.cores", 2);
    Path gcDir = work.resolve("executor-gc");
    Files.createDirectories(gcDir);
    String root = work.resolve("hub").toUri().toString();
    List<String> directories = prepareSparkHome(Path.of(System.getenv("SPARK_HOME")), System.getProperty("java.class.path"));
    String flags = System.getProperty(EXECUTOR_FLAGS, "");
    SparkSession spark = SparkSession.builder()
        .master("local-cluster[1," + executorCores + ",1024]")
        .appName("embeddinghub-executor-1g")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", executorMemory)
        .config("spark.executor.cores", Integer.toString(executorCores))
        .config("spark.executor.extraJavaOptions", flags + " -Xlog:gc:file=" + gcDir + "/gc-%p.log:time")
        .config("spark.executor.extraClassPath", String.join(File.pathSeparator, directories))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Events events = new Events();
    spark.sparkContext().addSparkListener(events);
    spark.udf().register("eh_vector", new VectorUdf(dims), DataTypes.createArrayType(DataTypes.FloatType));
    System.out.printf(Locale.ROOT, "executor memory %s, %d task slots; %,d x %d-d; load average %s%n",
        executorMemory, executorCores, rows, dims, loadAverage());

    // the write at default settings: its action writes the data files, then indexes the tail
    int slices = (int) Math.max(4, rows / 250_000);
    Dataset<Row> frame = spark.range(0, rows, 1, slices)
        .selectExpr("format_string('k%09d', id) AS key", "eh_vector(id) AS embedding");
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    frame.write().format("embeddinghub").option("path", root).option("space", "items")
        .option("dimensions", Integer.toString(dims)).mode("append").save();
    double actionSeconds = (System.nanoTime() - t0) / 1e9;
    Instant end = Instant.now();

    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.getSpace("items");
    List<VersionInfo> history = space.history();
    Instant dataCommitted = history.size() > 1 ? history.get(1).timestamp() : end;
    double writeSeconds = java.time.Duration.between(start, dataCommitted).toMillis() / 1e3;
    double indexSeconds = java.time.Duration.between(dataCommitted, end).toMillis() / 1e3;
    long unindexed = space.unindexedRows();
    int partitions = space.indexPartitions().size();
    long stored = space.indexPartitions().stream().mapToLong(p -> p.rows()).sum();
    long files;
    try (Stream<Path> s = Files.walk(work.resolve("hub").resolve("items").resolve("data"))) {
      files = s.filter(p -> p.toString().endsWith(".parquet")).count();
    }
    System.out.printf(Locale.ROOT, "history %s%n", history.stream().map(VersionInfo::operation).toList());
    System.out.printf(Locale.ROOT, "action %.0f s (write %.0f s, index build %.0f s): %d data files, %d index partitions over %,d rows, %,d unindexed%n",
        actionSeconds, writeSeconds, indexSeconds, files, partitions, stored, unindexed);
    System.out.printf(Locale.ROOT, "tasks %d ended (%d failed), executors added %d, removed %d%s%n",
        events.tasks.get(), events.failedTasks.get(), events.added.get(), events.removed.get(), events.reasons);
    GcLog write = GcLog.read(gcDir, start, dataCommitted);
    GcLog index = GcLog.read(gcDir, dataCommitted, end);
    System.out.printf(Locale.ROOT, "executor heap during the write: %s%nexecutor heap during the index build: %s%n", write, index);
    spark.stop();

    // queries on the driver against brute force over the generator
    VectorUdf generator = new VectorUdf(dims);
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = generator.call(rows + 1_000_003L * (i + 1));
    }
    long tq = System.nanoTime();
    List<Set<String>> found = new ArrayList<>();
    for (float[] v : q) {
      Set<String> keys = new HashSet<>();
      for (Neighbor n : space.nearestNeighbors(10, v)) {
        keys.add(n.key());
      }
      found.add(keys);
    }
    double querySeconds = (System.nanoTime() - tq) / 1e9;
    long tb = System.nanoTime();
    List<Set<String>> exact = bruteForce(generator, rows, q, 10);
    double bruteSeconds = (System.nanoTime() - tb) / 1e9;
    int hits = 0;
    for (int i = 0; i < queries; i++) {
      for (String k : exact.get(i)) {
        if (found.get(i).contains(k)) {
          hits++;
        }
      }
    }
    double recall = hits / (10.0 * queries);
    System.out.printf(Locale.ROOT, "%d queries on the driver in %.1f s (first ones load the partitions); brute force %.0f s; recall@10 %.4f%n",
        queries, querySeconds, bruteSeconds, recall);
    System.out.printf(Locale.ROOT,
        "| %,d × %d-d, executor %s × %d slots | write %.0f s | index build %.0f s | %d partitions, %,d unindexed | executor heap max after GC %d MiB, max before GC %d MiB (%d GCs, %d full) | recall@10 %.3f | executors lost %d |%n",
        rows, dims, executorMemory, executorCores, writeSeconds, indexSeconds, partitions, unindexed,
        Math.max(write.maxAfter(), index.maxAfter()), Math.max(write.maxBefore(), index.maxBefore()), write.count() + index.count(),
        write.full() + index.full(), recall, events.removed.get());
    boolean ok = unindexed == 0 && stored == rows && recall >= 0.9 && events.removed.get() == 0;
    System.out.println(ok ? "OK" : "FAILED");
    System.exit(ok ? 0 : 1);
  }

  /** The exact {@code k} nearest (L2) keys of each query: a scan over the regenerated rows, in double. */
  static List<Set<String>> bruteForce(VectorUdf generator, long rows, float[][] queries, int k) {
    int chunks = 64;
    List<List<long[]>> perChunk = IntStream.range(0, chunks).parallel().mapToObj(c -> {
      // per query: the k best so far, sorted by distance
      double[][] top = new double[queries.length][];
      long[][] ids = new long[queries.length][];
      for (int i = 0; i < queries.length; i++) {
        top[i] = new double[k];
        ids[i] = new long[k];
        java.util.Arrays.fill(top[i], Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(ids[i], -1);
      }
      long from = rows * c / chunks;
      long to = rows * (c + 1) / chunks;
      for (long r = from; r < to; r++) {
        float[] v = generator.call(r);
        for (int i = 0; i < queries.length; i++) {
          float[] qv = queries[i];
          double d = 0;
          for (int j = 0; j < v.length; j++) {
            double x = (double) v[j] - qv[j];
            d += x * x;
          }
          double[] t = top[i];
          if (d < t[k - 1]) {
            int p = k - 1;
            while (p > 0 && t[p - 1] > d) {
              t[p] = t[p - 1];
              ids[i][p] = ids[i][p - 1];
              p--;
            }
            t[p] = d;
            ids[i][p] = r;
          }
        }
      }
      List<long[]> out = new ArrayList<>();
      for (int i = 0; i < queries.length; i++) {
        for (int p = 0; p < k; p++) {
          out.add(new long[] {i, Double.doubleToLongBits(top[i][p]), ids[i][p]});
        }
      }
      return out;
    }).toList();
    List<Set<String>> result = new ArrayList<>();
    for (int i = 0; i < queries.length; i++) {
      final int qi = i;
      List<long[]> all = new ArrayList<>();
      perChunk.forEach(l -> l.stream().filter(e -> e[0] == qi && e[2] >= 0).forEach(all::add));
      all.sort(Comparator.comparingDouble(e -> Double.longBitsToDouble(e[1])));
      Set<String> keys = new HashSet<>();
      for (int p = 0; p < Math.min(k, all.size()); p++) {
        keys.add(String.format(Locale.ROOT, "k%09d", all.get(p)[2]));
      }
      result.add(keys);
    }
    return result;
  }

  /**
   * Row {@code id}'s vector: one of 64 centres plus a point of a 16-d subspace and a little noise
   * (clustered, of low intrinsic dimension, as embeddings are), a pure function of {@code id}.
   */
  static final class VectorUdf implements org.apache.spark.sql.api.java.UDF1<Long, float[]> {
    private static final long serialVersionUID = 1L;
    private static final int CENTRES = 64;
    private static final int LATENT = 16;
    private final int dims;
    private transient float[][] centres;
    private transient float[][] basis;

    VectorUdf(int dims) {
      this.dims = dims;
    }

    private void init() {
      SplittableRandom seed = new SplittableRandom(7);
      float[][] c = new float[CENTRES][dims];
      for (float[] row : c) {
        for (int d = 0; d < dims; d++) {
          row[d] = (float) (seed.nextDouble() * 8 - 4);
        }
      }
      float[][] b = new float[LATENT][dims];
      for (float[] row : b) {
        for (int d = 0; d < dims; d++) {
          row[d] = (float) (seed.nextGaussian() / Math.sqrt(LATENT));
        }
      }
      basis = b;
      centres = c;
    }

    @Override
    public float[] call(Long id) {
      if (centres == null) {
        init();
      }
      SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 1);
      float[] c = centres[r.nextInt(CENTRES)];
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = c[d] + (float) ((r.nextDouble() - 0.5) * 0.1);
      }
      for (int l = 0; l < LATENT; l++) {
        float z = (float) r.nextGaussian();
        float[] b = basis[l];
        for (int d = 0; d < dims; d++) {
          v[d] += z * b[d];
        }
      }
      return v;
    }
  }

  /** Task ends, failures and executor changes. */
  private static final class Events extends SparkListener {
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger failedTasks = new AtomicInteger();
    final AtomicInteger added = new AtomicInteger();
    final AtomicInteger removed = new AtomicInteger();
    final List<String> reasons = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      tasks.incrementAndGet();
      if (!end.taskInfo().successful()) {
        failedTasks.incrementAndGet();
        reasons.add("task " + end.taskInfo().id() + ": " + end.reason());
      }
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
      added.incrementAndGet();
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      removed.incrementAndGet();
      reasons.add("executor " + e.executorId() + " removed: " + e.reason());
    }
  }

  /**
   * Fills {@code sparkHome/jars} with links to the jars of {@code classPath} (what workers launch
   * executors with) and returns the classpath's directories, which executors get through
   * {@code spark.executor.extraClassPath} (as the connector's {@code ClusterSpark} does).
   */
  static List<String> prepareSparkHome(Path sparkHome, String classPath) throws IOException {
    Path jars = sparkHome.resolve("jars");
    if (Files.exists(jars)) {
      try (Stream<Path> old = Files.walk(jars)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(jars);
    List<String> directories = new ArrayList<>();
    int n = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(path)) {
        directories.add(path.toString());
      } else if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar")) {
        Files.createSymbolicLink(jars.resolve(String.format("%04d-%s", n++, path.getFileName())), path);
      }
    }
    return directories;
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
