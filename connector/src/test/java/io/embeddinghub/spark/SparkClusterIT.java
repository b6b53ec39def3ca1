package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexParams;
import io.embeddinghub.IndexResult;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.testing.BruteForceKnn;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The connector on a multi-JVM cluster ({@link ClusterSpark}: a standalone master, two workers,
 * two executor JVMs), against independent oracles: HashMap models, brute-force kNN, Spark's own
 * Parquet reader over the data files. What local mode hides is exercised here: tasks and their
 * state are serialized to other JVMs, executors keep their own caches across jobs, they learn
 * the Hadoop configuration only from what is shipped, and an executor can die mid-job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {
  private static final int DIMS = 16;
  /** 2,000 16-d rows are 125 KB of vectors: 32 KB partitions split them in 4. */
  private static final IndexParams SMALL_PARTITIONS = IndexParams.DEFAULT.withPartitionBytes(32 * 1024);

  private static SparkSession spark;
  private static String catalogRoot;

  @BeforeAll
  static void startCluster() {
    catalogRoot = SharedSpark.newHubRoot();
    spark = ClusterSpark.start(catalogRoot);
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @BeforeEach
  void bothExecutorsAreUp() throws InterruptedException {
    awaitExecutors(2, Duration.ofSeconds(90));
  }

  private Dataset<Row> read(String root, String space) {
    return spark.read().format("embeddinghub").option("path", root).option("space", space).load();
  }

  private Dataset<Row> keys(List<String> keys) {
    List<Row> rows = keys.stream().map(RowFactory::create).collect(Collectors.toList());
    return spark.createDataFrame(rows, new StructType().add("key", DataTypes.StringType));
  }

  private Dataset<Row> vectorQueries(List<float[]> vectors) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      rows.add(RowFactory.create((long) i, SparkVectors.toList(vectors.get(i))));
    }
    return spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.LongType).add("vector", DataTypes.createArrayType(DataTypes.FloatType)));
  }

  private static Map<String, float[]> parquetFiles(Dataset<Row> parquet) {
    return SparkDataFrameTest.collect(parquet.select("key", "embedding"));
  }

  @Test
  @Order(1)
  void dataFrameWritesReadBackWithKeyPushdownAndTimeTravel() {
    String root = SharedSpark.newHubRoot();
    Random random = new Random(1);
    Map<String, float[]> first = SparkDataFrameTest.randomRows(random, "k", 400, 8);
    SparkDataFrameTest.frame(spark, first).write().format("embeddinghub").option("path", root).option("space", "s")
        .option("buckets", "4").mode("append").save();
    // the executors' Parquet files as Spark's own reader sees them (a fresh space: no deletions yet)
    SparkDataFrameTest.assertSameContents(parquetFiles(spark.read().parquet(root + "s/data")), first);

    Map<String, float[]> second = SparkDataFrameTest.randomRows(random, "k", 250, 8); // upserts k0..k249
    second.putAll(SparkDataFrameTest.randomRows(random, "n", 50, 8));
    SparkDataFrameTest.frame(spark, second).write().format("embeddinghub").option("path", root).option("space", "s")
        .mode("append").save();
    Map<String, float[]> model = new HashMap<>(first);
    model.putAll(second);

    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(read(root, "s")), model);
    Map<String, float[]> embedded = new HashMap<>();
    EmbeddingHub.open(root).getSpace("s").entries().forEachRemaining(e -> embedded.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(embedded, model);

    Dataset<Row> filtered = read(root, "s").where("key IN ('k3', 'k300', 'n7', 'absent')");
    assertThat(filtered.queryExecution().executedPlan().toString()).contains("keyFilters=[");
    Map<String, float[]> expected = new HashMap<>();
    for (String k : List.of("k3", "k300", "n7")) {
      expected.put(k, model.get(k));
    }
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(filtered), expected);
    Dataset<Row> range = read(root, "s").where("key >= 'n' AND key < 'n2'");
    Map<String, float[]> rangeModel = new HashMap<>();
    model.forEach((k, v) -> {
      if (k.compareTo("n") >= 0 && k.compareTo("n2") < 0) {
        rangeModel.put(k, v);
      }
    });
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(range), rangeModel);

    Dataset<Row> old = spark.read().format("embeddinghub").option("path", root).option("space", "s")
        .option("versionAsOf", 1).load();
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(old), first);
  }

  @Test
  @Order(2)
  void distributedIndexBuildThenNearestNeighborsAndNearestByMatchBruteForce() {
    String name = "knn";
    Space space = EmbeddingHub.open(catalogRoot)
        .createSpace(SpaceSpec.builder(name, DIMS).buckets(4).indexParams(SMALL_PARTITIONS).build());
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(new Random(2), 2000, DIMS);
    SparkDataFrameTest.frame(spark, model).write().format("embeddinghub").option("path", catalogRoot)
        .option("space", name).mode("append").save();
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, catalogRoot);

    IndexResult built = hub.buildIndex(name);
    // 4 centroids, some with two partitions where k-means drew over 1.5 partitions' rows to them
    assertThat(built.partitionsAdded()).as("a split build: assign tasks, then one build task per partition").isBetween(4, 8);
    long targetRows = SMALL_PARTITIONS.partitionBytes() / (4L * DIMS);
    assertThat(space.indexPartitions()).hasSize(built.partitionsAdded())
        .allSatisfy(p -> assertThat(p.rows()).isLessThanOrEqualTo((long) (1.5 * targetRows)));
    assertThat(built.rowsIndexed()).isEqualTo(2000);
    assertThat(space.unindexedRows()).isZero();

    // a tail written after the build, and deletions inside the partitions
    Map<String, float[]> tail = new HashMap<>();
    SparkDistributedOpsTest.clustered(new Random(3), 100, DIMS).forEach((k, v) -> tail.put("t" + k, v));
    hub.multiset(name, SparkDataFrameTest.frame(spark, tail));
    model.putAll(tail);
    List<String> gone = new ArrayList<>(new TreeSet<>(model.keySet())).subList(0, 200);
    assertThat(hub.multidelete(name, keys(gone))).isEqualTo(200);
    gone.forEach(model::remove);

    Random random = new Random(4);
    List<String> live = new ArrayList<>(new TreeSet<>(model.keySet()));
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < 30; q++) {
      float[] v = model.get(live.get(random.nextInt(live.size()))).clone();
      v[0] += 0.1f;
      queries.add(v);
    }
    List<List<String>> truth = new ArrayList<>();
    for (float[] q : queries) {
      truth.add(BruteForceKnn.nearestKeys(Metric.L2, model, q, 10, null));
    }

    List<Row> exactRows = hub.nearestNeighbors(name, vectorQueries(queries), 10, SearchOptions.exactSearch()).collectAsList();
    Map<Long, List<String>> exact = keysByQuery(exactRows);
    for (int q = 0; q < queries.size(); q++) {
      assertThat(exact.get((long) q)).as("exact search, query %d", q).isEqualTo(truth.get(q));
    }
    for (Row r : exactRows) {
      double expected = BruteForceKnn.distance(Metric.L2, queries.get((int) r.getLong(0)), model.get(r.getString(2)));
      assertThat((double) r.getFloat(3)).as("distance of %s", r.getString(2)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4 * (1 + expected)));
    }

    Map<Long, List<String>> approx = keysByQuery(hub.nearestNeighbors(name, vectorQueries(queries), 10).collectAsList());
    assertThat(approx).hasSize(queries.size());
    assertThat(recall(approx, truth)).as("recall@10 of the distributed index probe").isGreaterThanOrEqualTo(0.95);

    if (!SparkLine.nearestBy()) {
      return; // Spark 4.2's NEAREST BY join: not on this Spark line
    }
    // SQL: the APPROX NEAREST BY join rewritten into the index probe, embeddings looked up bucket-wise
    List<Row> queryRows = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      queryRows.add(RowFactory.create((long) i, SparkVectors.toList(queries.get(i))));
    }
    spark.createDataFrame(queryRows,
            new StructType().add("id", DataTypes.LongType).add("v", DataTypes.createArrayType(DataTypes.FloatType)))
        .createOrReplaceTempView("cluster_queries");
    Dataset<Row> join = spark.sql("SELECT q.id, s.key, s.embedding FROM cluster_queries q JOIN hub." + name
        + " s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.v, s.embedding)");
    assertThat(join.queryExecution().executedPlan().toString()).contains("EmbeddingHubNearestNeighbors")
        .doesNotContain("BroadcastNestedLoopJoin");
    List<Row> joined = join.collectAsList();
    Map<Long, List<String>> sqlAnswers = new HashMap<>();
    for (Row r : joined) {
      sqlAnswers.computeIfAbsent(r.getLong(0), q -> new ArrayList<>()).add(r.getString(1));
      float[] stored = SparkVectors.toFloats(r.getList(2));
      assertThat(stored).as("embedding of %s", r.getString(1)).containsExactly(model.get(r.getString(1)));
    }
    assertThat(sqlAnswers).hasSize(queries.size()).allSatisfy((q, keys) -> assertThat(keys).hasSize(10).doesNotHaveDuplicates());
    assertThat(recall(sqlAnswers, truth)).as("recall@10 of NEAREST BY").isGreaterThanOrEqualTo(0.95);
  }

  @Test
  @Order(3)
  void multigetAndSqlDeleteFollowTheModel() {
    String name = "kv";
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(5), "k", 500, 4);
    SparkDataFrameTest.frame(spark, model).write().format("embeddinghub").option("path", catalogRoot)
        .option("space", name).option("buckets", "8").mode("append").save();
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, catalogRoot);
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 120; i += 2) {
      wanted.add("k" + i);
    }
    wanted.add("absent");
    assertMultigetMatches(hub, name, wanted, model);

    spark.sql("DELETE FROM hub." + name + " WHERE key IN ('k0', 'k2', 'k3', 'absent')");
    spark.sql("DELETE FROM hub." + name + " WHERE key LIKE 'k1%'");
    model.keySet().removeIf(k -> k.equals("k0") || k.equals("k2") || k.equals("k3") || k.startsWith("k1"));
    assertThat(model).hasSize(500 - 3 - 111);

    assertMultigetMatches(hub, name, wanted, model);
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(spark.table("hub." + name)), model);
    assertThatThrownBy(() -> hub.multiget(name, keys(List.of("k0", "k4")), MissingKeys.FAIL).collectAsList())
        .hasStackTraceContaining("Key 'k0' not found in space 'kv'");
  }

  @Test
  @Order(3)
  void optimizeRunsAsOneJobOnTheExecutorsAndCommitsOneVersion() {
    String name = "compact_me";
    EmbeddingHub embedded = EmbeddingHub.open(catalogRoot);
    Space space = embedded.createSpace(SpaceSpec.builder(name, DIMS).buckets(4).targetFileRows(200).build());
    Random random = new Random(12);
    Map<String, float[]> model = new HashMap<>();
    for (int w = 0; w < 6; w++) {
      Map<String, float[]> batch = new HashMap<>();
      for (int i = 0; i < 150; i++) { // each write overwrites a third of the one before
        batch.put(String.format("k%05d", w * 100 + i), randomVector(random));
      }
      space.multiset(batch);
      model.putAll(batch);
    }
    List<String> doomed = new ArrayList<>(new TreeSet<>(model.keySet())).subList(0, 50);
    space.multidelete(new ArrayList<>(doomed));
    new ArrayList<>(doomed).forEach(model::remove);
    long before = space.version();

    io.embeddinghub.OptimizeResult result = EmbeddingHubSpark.open(spark, catalogRoot).optimize(name);

    assertThat(result.version()).as("rewrite and index commit as one version").isEqualTo(before + 1);
    assertThat(result.rowsRewritten()).isEqualTo(model.size());
    Space reopened = EmbeddingHub.open(catalogRoot).getSpace(name);
    assertThat(reopened.unindexedRows()).isZero();
    Map<String, float[]> plain = new HashMap<>();
    for (Row row : spark.table("hub." + name).collectAsList()) {
      plain.put(row.getString(0), SparkVectors.toFloats(row.getList(1)));
    }
    SparkDataFrameTest.assertSameContents(plain, model);
    float[] query = randomVector(random);
    List<String> truth = BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null);
    List<String> exact = reopened.nearestNeighbors(10, query, SearchOptions.exactSearch()).stream()
        .map(io.embeddinghub.Neighbor::key).toList();
    assertThat(exact).isEqualTo(truth);

    // vacuum as a job: executors delete what the driver listed (the files optimize replaced)
    io.embeddinghub.VacuumResult vacuumed = EmbeddingHubSpark.open(spark, catalogRoot)
        .vacuum(name, Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(vacuumed.filesDeleted()).isGreaterThanOrEqualTo(result.filesRemoved());
    assertThat(vacuumed.files()).allSatisfy(f -> assertThat(Files.exists(Path.of(URI.create(catalogRoot + f)))).isFalse());
    Map<String, float[]> afterVacuum = new HashMap<>();
    for (Row row : spark.table("hub." + name).collectAsList()) {
      afterVacuum.put(row.getString(0), SparkVectors.toFloats(row.getList(1)));
    }
    SparkDataFrameTest.assertSameContents(afterVacuum, model);
  }

  private static float[] randomVector(Random random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return v;
  }

  @Test
  @Order(4)
  void executorsLearnTheFileSystemOnlyFromTheShippedConfigurationAndSeeEachNewVersion() {
    // the oracle: an executor's own Hadoop configuration does not know the scheme slow:
    List<String> probes = spark.range(0, 4, 1, 4)
        .map((MapFunction<Long, String>) i -> probeSlowScheme(), Encoders.STRING()).collectAsList();
    assertThat(probes).hasSize(4).allSatisfy(p -> assertThat(p).contains("No FileSystem for scheme").contains("slow"));

    String fileRoot = SharedSpark.newHubRoot();
    String root = SlowFileSystem.slow(fileRoot);
    Map<String, String> settings = new HashMap<>();
    SlowFileSystem.configure(settings::put, 0);
    settings.forEach(spark.conf()::set); // a session setting: executors learn it only from what the connector ships
    try {
      Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(6), "k", 300, 4);
      SparkDataFrameTest.frame(spark, model).write().format("embeddinghub").option("path", root).option("space", "c")
          .option("buckets", "4").mode("append").save();
      EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
      List<String> wanted = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        wanted.add("k" + i);
      }
      List<float[]> queries = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        queries.add(SparkDataFrameTest.randomRows(new Random(100 + i), "q", 1, 4).get("q0"));
      }
      assertAllQueriesMatch(root, hub, wanted, queries, model); // executors now cache version 1's files

      // a version the executors took no part in: upserts, new keys, deletes through the embedded API
      Space space = EmbeddingHub.open(fileRoot).getSpace("c");
      Map<String, float[]> changes = SparkDataFrameTest.randomRows(new Random(7), "k", 30, 4);
      changes.putAll(SparkDataFrameTest.randomRows(new Random(8), "new", 10, 4));
      space.multiset(changes);
      model.putAll(changes);
      List<String> deleted = List.of("k40", "k41", "k42", "k200");
      space.multidelete(deleted);
      deleted.forEach(model::remove);
      wanted.add("new3");
      queries.addAll(changes.values()); // each nearest to a changed row: a stale cache answers differently
      assertAllQueriesMatch(root, hub, wanted, queries, model);

      // and a Spark write, then a second query
      Map<String, float[]> more = SparkDataFrameTest.randomRows(new Random(9), "k", 20, 4);
      SparkDataFrameTest.frame(spark, more).write().format("embeddinghub").option("path", root).option("space", "c")
          .mode("append").save();
      model.putAll(more);
      assertAllQueriesMatch(root, hub, wanted, queries, model);
      assertThat(EmbeddingHub.open(fileRoot).getSpace("c").version()).isEqualTo(4);
    } finally {
      settings.keySet().forEach(spark.conf()::unset);
    }
  }

  /** What an executor's own Hadoop configuration makes of {@code slow:///}. */
  private static String probeSlowScheme() {
    try {
      new org.apache.hadoop.fs.Path("slow:///").getFileSystem(new Configuration());
      return "known";
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private void assertAllQueriesMatch(String root, EmbeddingHubSpark hub, List<String> wanted, List<float[]> queries,
      Map<String, float[]> model) {
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(read(root, "c")), model);
    assertMultigetMatches(hub, "c", wanted, model);
    Map<Long, List<String>> exact =
        keysByQuery(hub.nearestNeighbors("c", vectorQueries(queries), 5, SearchOptions.exactSearch()).collectAsList());
    for (int q = 0; q < queries.size(); q++) {
      assertThat(exact.get((long) q)).as("query %d", q).isEqualTo(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(q), 5, null));
    }
  }

  @Test
  @Order(5)
  void anExecutorKilledMidWriteLosesAndDuplicatesNothing() throws Exception {
    String fileRoot = SharedSpark.newHubRoot();
    String root = SlowFileSystem.slow(fileRoot);
    Map<String, String> settings = new HashMap<>();
    SlowFileSystem.configure(settings::put, 1500); // each task waits 1.5 s after creating a data file
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(10), "k", 2000, 4);
    Path data = Path.of(URI.create(fileRoot + "w/data"));
    List<ProcessHandle> executors = ClusterSpark.executorProcesses();
    assertThat(executors).as("executor JVMs").hasSize(2);
    RunningTasks running = new RunningTasks();
    spark.sparkContext().addSparkListener(running);
    settings.forEach(spark.conf()::set);
    try {
      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> SparkDataFrameTest.frame(spark, model).write()
          .format("embeddinghub").option("path", root).option("space", "w").option("buckets", "8").mode("append").save());
      awaitFileUnder(data, write);
      // every running write task creates its first file within milliseconds of the others and then
      // waits 1.5 s: after 300 ms the executor killed below surely holds a created, uncommitted file
      TimeUnit.MILLISECONDS.sleep(300);
      String busy = running.executors().stream().findFirst()
          .orElseThrow(() -> new AssertionError("a data file exists but no task runs"));
      ProcessHandle victim = executors.stream().filter(p -> busy.equals(executorId(p))).findFirst()
          .orElseThrow(() -> new AssertionError("no executor JVM with id " + busy + " among " + executors));
      assertThat(victim.destroyForcibly()).as("SIGKILL sent").isTrue();
      victim.onExit().get(30, TimeUnit.SECONDS);

      write.get(3, TimeUnit.MINUTES); // the job survives: lost tasks run again, on the other or a relaunched executor
      assertThat(running.failedOn()).as("tasks lost with the killed executor").contains(busy);
      awaitExecutors(2, Duration.ofSeconds(90));
      assertThat(ClusterSpark.executorProcesses()).as("a relaunched executor JVM").hasSize(2).doesNotContain(victim);
    } finally {
      spark.sparkContext().removeSparkListener(running);
      settings.keySet().forEach(spark.conf()::unset);
    }

    Space space = EmbeddingHub.open(fileRoot).getSpace("w");
    assertThat(space.version()).as("the space's creation and one write").isEqualTo(1);
    try (Stream<Path> log = Files.list(Path.of(URI.create(fileRoot + "w/_log")))) {
      assertThat(log.map(p -> p.getFileName().toString()).sorted().toList())
          .as("no stray version or leftover in the log")
          .containsExactly("00000000000000000000.json", "00000000000000000001.json");
    }
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(read(fileRoot, "w")), model);
    Map<String, float[]> embedded = new HashMap<>();
    space.entries().forEachRemaining(e -> embedded.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(embedded, model);

    long onDisk = filesUnder(data);
    space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(filesUnder(data)).as("the killed task's files are orphans that vacuum removes").isLessThan(onDisk);
    // Spark's own Parquet reader over exactly the committed files: every row once
    SparkDataFrameTest.assertSameContents(parquetFiles(spark.read().parquet(fileRoot + "w/data")), model);
  }

  private static void awaitFileUnder(Path dir, CompletableFuture<Void> job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (filesUnder(dir) == 0) {
      if (job.isDone()) {
        job.get();
        throw new AssertionError("the write finished before a data file was seen under " + dir);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no data file under " + dir + " after 120 s");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static long filesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static String executorId(ProcessHandle process) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--executor-id (\\S+)")
        .matcher(process.info().commandLine().orElse(""));
    return m.find() ? m.group(1) : null;
  }

  /** Which executors run tasks now, and on which tasks failed. */
  private static final class RunningTasks extends org.apache.spark.scheduler.SparkListener {
    private final Map<Long, String> running = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> failedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart start) {
      running.put(start.taskInfo().taskId(), start.taskInfo().executorId());
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      running.remove(end.taskInfo().taskId());
      if (end.taskInfo().failed()) {
        failedOn.add(end.taskInfo().executorId());
      }
    }

    Set<String> executors() {
      return new TreeSet<>(running.values());
    }

    Set<String> failedOn() {
      return new TreeSet<>(failedOn);
    }
  }

  private void assertMultigetMatches(EmbeddingHubSpark hub, String space, List<String> wanted, Map<String, float[]> model) {
    List<Row> rows = hub.multiget(space, keys(wanted), MissingKeys.NULL).collectAsList();
    assertThat(rows).hasSize(wanted.size());
    Map<String, float[]> found = new HashMap<>();
    Set<String> missing = new HashSet<>();
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        missing.add(r.getString(0));
      } else {
        found.put(r.getString(0), SparkVectors.toFloats(r.getList(1)));
      }
    }
    Map<String, float[]> expected = new HashMap<>();
    wanted.stream().filter(model::containsKey).forEach(k -> expected.put(k, model.get(k)));
    SparkDataFrameTest.assertSameContents(found, expected);
    assertThat(missing).isEqualTo(wanted.stream().filter(k -> !model.containsKey(k)).collect(Collectors.toSet()));
  }

  private static Map<Long, List<String>> keysByQuery(List<Row> rows) {
    Map<Long, List<Row>> byQuery = new HashMap<>();
    for (Row r : rows) {
      byQuery.computeIfAbsent(r.getLong(0), q -> new ArrayList<>()).add(r);
    }
    Map<Long, List<String>> out = new HashMap<>();
    byQuery.forEach((q, list) -> {
      list.sort(Comparator.comparingInt(r -> r.getInt(1)));
      for (int i = 0; i < list.size(); i++) {
        assertThat(list.get(i).getInt(1)).as("ranks of query %d", q).isEqualTo(i + 1);
      }
      out.put(q, list.stream().map(r -> r.getString(2)).collect(Collectors.toList()));
    });
    return out;
  }

  private static double recall(Map<Long, List<String>> answers, List<List<String>> truth) {
    long hits = 0;
    for (int q = 0; q < truth.size(); q++) {
      Set<String> expected = new HashSet<>(truth.get(q));
      hits += answers.getOrDefault((long) q, List.of()).stream().filter(expected::contains).count();
    }
    return hits / (10.0 * truth.size());
  }

  private static void awaitExecutors(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < count + 1) { // + the driver
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Fewer than " + count + " executors after " + timeout + ": "
            + spark.sparkContext().statusTracker().getExecutorInfos().length + " including the driver");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
