package io.embeddinghub.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * EmbeddingHub through Spark Connect, the path of PySpark and every other Connect client: a Spark
 * Connect server is started once, in a child JVM, as {@code sbin/start-connect-server.sh} starts it
 * (Spark's {@code SparkSubmit} running {@code SparkConnectServer}, with the catalog and extensions
 * configured and the Spark 4.2 bundle as the only added jar); this JVM holds Spark's published JVM
 * client only (no Spark SQL, no EmbeddingHub class) and talks to it over loopback gRPC.
 *
 * <p>Every answer is checked against what the test wrote (a map of key to vector) or a brute-force
 * kNN computed here.
 */
@Tag("slow") // a Spark Connect server in its own JVM and about twenty Spark jobs
@Timeout(value = 5, unit = TimeUnit.MINUTES) // per method: a hung server would block the client for ever
class SparkConnectIT {
  private static final int DIMENSIONS = 8;
  private static final StructType ROWS = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final Pattern STARTED = Pattern.compile("Spark Connect server started at: \\S*:(\\d+)");

  @TempDir
  static Path dir;
  private static Path hub;
  private static Process server;
  private static Path serverLog;
  private static SparkSession spark;

  @BeforeAll
  static void startServerAndConnect() throws Exception {
    hub = dir.resolve("hub");
    Files.createDirectories(hub);
    serverLog = dir.resolve("connect-server.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Arrays.asList(System.getProperty("embeddinghub.test.spark.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of(
        "-cp", System.getProperty("embeddinghub.test.server.classpath"),
        "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]",
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--name", "Spark Connect server",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", "spark.connect.grpc.binding.port=0",
        "--conf", "spark.sql.extensions=io.embeddinghub.spark.EmbeddingHubExtensions",
        "--conf", "spark.sql.catalog.hub=io.embeddinghub.spark.EmbeddingHubCatalog",
        "--conf", "spark.sql.catalog.hub.path=" + hub.toUri(),
        "--jars", bundle().toString(),
        "spark-internal"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(serverLog.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long start = System.nanoTime();
    server = builder.start();
    Process started = server;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly)); // should this JVM be killed
    int port = awaitPort();
    System.out.printf("Spark Connect server on port %d, started in %.1f s%n", port, (System.nanoTime() - start) / 1e9);
    spark = SparkSession.builder().remote("sc://127.0.0.1:" + port).getOrCreate();
    System.out.printf("Spark Connect client connected to Spark %s after %.1f s%n", spark.version(), (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void stopServer() throws Exception {
    // The client's session is not released: releasing it runs the server's ML cache clean-up,
    // which needs spark-mllib (in a Spark distribution's jars; not published for 4.2.0, so not on
    // this server's classpath: NoClassDefFoundError org/apache/spark/ml/util/ConnectHelper).
    // Stopping the server ends it.
    if (server != null) {
      long start = System.nanoTime();
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      System.out.printf("Spark Connect server stopped in %.1f s%n", (System.nanoTime() - start) / 1e9);
      // the server's log outlives the temporary directory, for a failure's diagnosis
      Files.copy(serverLog, Path.of("target", "connect-server.log"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** This JVM is a Connect client only: the classic session and our classes live in the server. */
  @Test
  void theClientJvmHoldsNoSparkSqlNorEmbeddingHub() {
    assertThat(spark.getClass().getName()).isEqualTo("org.apache.spark.sql.connect.SparkSession");
    assertThat(loadable("org.apache.spark.sql.classic.SparkSession")).isFalse();
    assertThat(loadable("io.embeddinghub.spark.EmbeddingHubCatalog")).isFalse();
    assertThat(System.getProperty("java.class.path")).contains("spark-connect-client-jvm")
        .doesNotContain("spark-sql_", "spark-core_", "spark-connect_", "embeddinghub-spark", "embeddinghub-connector",
            "embeddinghub-store");
  }

  @Test
  void createWriteReadUpsertTimeTravelAndDelete() {
    sql("CREATE TABLE hub.docs (key STRING, embedding ARRAY<FLOAT>)"
        + " TBLPROPERTIES ('dimensions'='" + DIMENSIONS + "', 'metric'='l2', 'buckets'='4')");
    assertThat(sql("SHOW TABLES IN hub").collectAsList()).extracting(r -> r.getString(1)).contains("docs");
    assertThat(read("docs").count()).isZero();

    Map<String, float[]> written = vectors(0, 300, 1);
    append("docs", written);
    long v1 = version("docs");
    assertThat(contents(read("docs"))).isEqualTo(text(written));
    assertThat(contents(sql("SELECT key, embedding FROM hub.docs"))).isEqualTo(text(written));

    // upsert: 30 existing keys get new vectors, 10 keys are new
    Map<String, float[]> upsert = vectors(270, 310, 2);
    append("docs", upsert);
    long v2 = version("docs");
    assertThat(v2).isGreaterThan(v1);
    Map<String, float[]> latest = new TreeMap<>(written);
    latest.putAll(upsert);
    assertThat(contents(read("docs"))).hasSize(310).isEqualTo(text(latest));

    // time travel: SQL VERSION AS OF and the read option
    assertThat(contents(sql("SELECT key, embedding FROM hub.docs VERSION AS OF " + v1))).isEqualTo(text(written));
    assertThat(contents(spaceReader().option("space", "docs").option("versionAsOf", v1).load())).isEqualTo(text(written));

    // DELETE by IN list and by prefix
    sql("DELETE FROM hub.docs WHERE key IN ('k0003', 'k0299', 'k0305', 'absent')");
    sql("DELETE FROM hub.docs WHERE key LIKE 'k01%'");
    long v4 = version("docs");
    Map<String, float[]> afterDelete = new TreeMap<>(latest);
    afterDelete.keySet().removeIf(k -> k.equals("k0003") || k.equals("k0299") || k.equals("k0305") || k.startsWith("k01"));
    assertThat(afterDelete).hasSize(310 - 3 - 100);
    assertThat(contents(read("docs"))).isEqualTo(text(afterDelete));
    assertThat(sql("SELECT count(*) FROM hub.docs").first().getLong(0)).isEqualTo(afterDelete.size());
    assertThat(v4).isEqualTo(v2 + 2);
    assertThat(contents(sql("SELECT key, embedding FROM hub.docs VERSION AS OF " + v2))).isEqualTo(text(latest));

    // optimize rewrites the files (three writes, two deletes) without changing the rows; vacuum's dry run
    Row optimized = sql("CALL hub.system.optimize('docs')").first();
    assertThat(optimized.getLong(optimized.fieldIndex("version"))).isEqualTo(v4 + 1);
    assertThat(optimized.getInt(optimized.fieldIndex("files_removed"))).isPositive();
    assertThat(contents(read("docs"))).isEqualTo(text(afterDelete));
    Row vacuumed = sql("CALL hub.system.vacuum('docs', retention_hours => 1, dry_run => true)").first();
    assertThat(vacuumed.getBoolean(vacuumed.fieldIndex("dry_run"))).isTrue();
    assertThat(contents(sql("SELECT key, embedding FROM hub.docs VERSION AS OF " + v1))).isEqualTo(text(written));
  }

  @Test
  void buildIndexNearestNeighborsJoinAndVerify() {
    // the first write creates the space (options of a write that creates it)
    Map<String, float[]> rows = vectors(0, 600, 3);
    spaceWriter(frame(rows)).option("space", "vecs").option("dimensions", DIMENSIONS).option("metric", "l2")
        .option("buckets", 2).option("index", "defer").mode("append").save();
    long written = version("vecs");

    Row built = sql("CALL hub.system.build_index('vecs')").first();
    assertThat(built.getLong(built.fieldIndex("version"))).isEqualTo(written + 1);
    assertThat(built.getInt(built.fieldIndex("partitions_added"))).isPositive();
    assertThat(built.getLong(built.fieldIndex("rows_indexed"))).isEqualTo(600);
    assertThat(version("vecs")).isEqualTo(written + 1);

    // the table function, by vector and by stored key; ef = n makes the graph search exhaustive
    float[] query = vectors(1000, 1001, 4).values().iterator().next();
    assertNearest(sql("SELECT * FROM nearest_neighbors('hub.vecs', " + arrayLiteral(query) + ", 10, 600)"),
        bruteForce(rows, query, 10, null));
    assertNearest(sql("SELECT * FROM nearest_neighbors('hub.vecs', 'k0007', 10, 600)"),
        bruteForce(rows, rows.get("k0007"), 10, "k0007"));

    // with a predicate on key; its subquery names a temporary view of this client's session
    Map<String, float[]> prefixed = new TreeMap<>(rows);
    prefixed.keySet().removeIf(k -> !k.startsWith("k01"));
    assertNearest(sql("SELECT * FROM nearest_neighbors('hub.vecs', " + arrayLiteral(query) + ", 5, 600, 'key LIKE ''k01%''')"),
        bruteForce(prefixed, query, 5, null));
    Map<String, float[]> allowed = new TreeMap<>(rows);
    allowed.keySet().removeIf(k -> Integer.parseInt(k.substring(1)) % 7 != 0);
    spark.createDataFrame(allowed.keySet().stream().map(k -> RowFactory.create(k)).toList(),
        new StructType().add("sku", DataTypes.StringType, false)).createOrReplaceTempView("allowed");
    assertNearest(sql("SELECT * FROM nearest_neighbors('hub.vecs', 'k0007', 5, 600, 'key IN (SELECT sku FROM allowed)')"),
        bruteForce(allowed, rows.get("k0007"), 5, "k0007"));

    // multiget: keys given (repeated, absent) and the keys of a query on the client's view, each once
    Map<String, float[]> two = new TreeMap<>(Map.of("k0003", rows.get("k0003"), "k0599", rows.get("k0599")));
    assertThat(contents(sql("SELECT * FROM multiget('hub.vecs', ARRAY('k0003', 'k0003', 'nope', 'k0599'))")))
        .isEqualTo(text(two));
    assertThat(contents(sql("SELECT * FROM multiget('hub.vecs', 'key IN (SELECT sku FROM allowed UNION ALL SELECT ''nope'')')")))
        .isEqualTo(text(allowed));

    // Spark 4.2's APPROX NEAREST join, rewritten to the index probe by the extensions on the server
    Map<Integer, float[]> queries = new LinkedHashMap<>();
    Random random = new Random(5);
    for (int id = 1; id <= 4; id++) {
      queries.put(id, randomVector(random));
    }
    List<Row> queryRows = new ArrayList<>();
    queries.forEach((id, v) -> queryRows.add(RowFactory.create(id, boxed(v))));
    spark.createDataFrame(queryRows, new StructType().add("id", DataTypes.IntegerType, false)
        .add("v", DataTypes.createArrayType(DataTypes.FloatType, false), false)).createOrReplaceTempView("queries");
    String join = "SELECT q.id, s.key FROM queries q JOIN hub.vecs WITH ('ef' = '600') s"
        + " APPROX NEAREST 5 BY DISTANCE vector_l2_distance(q.v, s.embedding)";
    assertThat(sql("EXPLAIN " + join).first().getString(0)).contains("EmbeddingHubNearestNeighbors(");
    Map<Integer, List<String>> joined = new TreeMap<>();
    for (Row r : sql(join).collectAsList()) {
      joined.computeIfAbsent(r.getInt(0), id -> new ArrayList<>()).add(r.getString(1));
    }
    Map<Integer, List<String>> expected = new TreeMap<>();
    queries.forEach((id, v) -> expected.put(id, bruteForce(rows, v, 5, null).stream().map(Neighbor::key).sorted().toList()));
    joined.replaceAll((id, keys) -> keys.stream().sorted().toList());
    assertThat(joined).isEqualTo(expected);
    // the same join through the DataFrame API (Dataset.nearestByJoin, a Connect relation of its own)
    Dataset<Row> queryFrame = spark.table("queries");
    Dataset<Row> space = spark.read().option("ef", "600").table("hub.vecs");
    Map<Integer, List<String>> joinedFrame = new TreeMap<>();
    for (Row r : queryFrame.nearestByJoin(space,
            functions.call_function("vector_l2_distance", queryFrame.col("v"), space.col("embedding")), 5, "approx", "distance")
        .select("id", "key").collectAsList()) {
      joinedFrame.computeIfAbsent(r.getInt(0), id -> new ArrayList<>()).add(r.getString(1));
    }
    joinedFrame.replaceAll((id, keys) -> keys.stream().sorted().toList());
    assertThat(joinedFrame).isEqualTo(expected);

    // verify checks every file of the latest version
    Row verified = sql("CALL hub.system.verify('vecs')").first();
    assertThat(verified.getBoolean(verified.fieldIndex("ok"))).isTrue();
    assertThat(verified.getLong(verified.fieldIndex("rows_checked"))).isEqualTo(600);
    assertThat(verified.getLong(verified.fieldIndex("files_checked"))).isPositive();
    assertThat(verified.getList(verified.fieldIndex("problems"))).isEmpty();

    // deleted rows leave the answers
    List<String> nearest = bruteForce(rows, query, 3, null).stream().map(Neighbor::key).toList();
    sql("DELETE FROM hub.vecs WHERE key IN (" + nearest.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ")) + ")");
    Map<String, float[]> remaining = new TreeMap<>(rows);
    remaining.keySet().removeAll(nearest);
    assertNearest(sql("SELECT * FROM nearest_neighbors('hub.vecs', " + arrayLiteral(query) + ", 10, 600)"),
        bruteForce(remaining, query, 10, null));
  }

  /** Errors of the store reach the client with their message. */
  @Test
  void errorsReachTheClientWithTheirMessage() {
    Map<String, float[]> rows = vectors(0, 20, 6);
    append("errs", rows);
    Map<String, float[]> wrong = Map.of("bad", new float[] {1f, 2f, 3f});
    assertThatThrownBy(() -> append("errs", wrong)).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.nothing', 'k0001', 3)").collectAsList())
        .hasMessageContaining("nothing");
    // save modes that need the path catalog the data source registers on first use
    assertThatThrownBy(() -> spaceWriter(frame(rows)).option("space", "errs").mode("errorifexists").save())
        .hasMessageContaining("errs");
    spaceWriter(frame(vectors(0, 20, 7))).option("space", "errs").mode("ignore").save();
    assertThat(contents(read("errs"))).isEqualTo(text(rows));
  }

  /** The history procedure lists the versions the writes made; an unknown procedure names the available ones. */
  @Test
  void historyAndAnUnknownProcedure() {
    append("hist", vectors(0, 5, 8));
    append("hist", vectors(3, 9, 8)); // rows 3 and 4 replaced, 5 to 8 new
    List<Row> history = sql("CALL hub.system.history('hist')").collectAsList();
    assertThat(history).extracting(r -> r.getLong(0)).containsExactly(0L, 1L, 2L);
    assertThat(history).extracting(r -> r.getLong(3)).containsExactly(0L, 5L, 6L); // rows added
    assertThat(history).extracting(r -> r.getLong(5)).containsExactly(0L, 5L, 9L); // keys afterwards
    assertThatThrownBy(() -> sql("CALL hub.system.compact('hist')").collectAsList())
        .hasMessageContaining("FAILED_TO_LOAD_ROUTINE")
        .cause() // the server's cause reaches the client too
        .hasMessageContaining("Unknown procedure system.compact in catalog 'hub'")
        .hasMessageContaining("available: [system.build_index, system.history, system.optimize, system.vacuum, system.verify]");
  }

  // ---- helpers

  private static Dataset<Row> sql(String statement) {
    return spark.sql(statement);
  }

  private static org.apache.spark.sql.DataFrameReader spaceReader() {
    return spark.read().format("embeddinghub").option("path", hub.toUri().toString());
  }

  private static org.apache.spark.sql.DataFrameWriter<Row> spaceWriter(Dataset<Row> rows) {
    return rows.write().format("embeddinghub").option("path", hub.toUri().toString());
  }

  private static Dataset<Row> read(String space) {
    return spaceReader().option("space", space).load();
  }

  private static void append(String space, Map<String, float[]> rows) {
    spaceWriter(frame(rows)).option("space", space).mode("append").save();
  }

  private static long version(String space) {
    return Long.parseLong(sql("SHOW TBLPROPERTIES hub." + space + " ('version')").first().getString(1));
  }

  private static Dataset<Row> frame(Map<String, float[]> rows) {
    List<Row> list = new ArrayList<>();
    rows.forEach((k, v) -> list.add(RowFactory.create(k, boxed(v))));
    return spark.createDataFrame(list, ROWS);
  }

  /** Keys {@code k<from>..k<to-1>} with seeded random vectors. */
  private static Map<String, float[]> vectors(int from, int to, long seed) {
    Random random = new Random(seed);
    Map<String, float[]> rows = new TreeMap<>();
    for (int i = from; i < to; i++) {
      rows.put(String.format("k%04d", i), randomVector(random));
    }
    return rows;
  }

  private static float[] randomVector(Random random) {
    float[] v = new float[DIMENSIONS];
    for (int d = 0; d < DIMENSIONS; d++) {
      v[d] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static List<Float> boxed(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float f : v) {
      list.add(f);
    }
    return list;
  }

  /** A space's rows as key to the text of the vector (float arrays compare by value this way). */
  private static Map<String, String> contents(Dataset<Row> rows) {
    Map<String, String> map = new TreeMap<>();
    for (Row r : rows.select("key", "embedding").collectAsList()) {
      List<Object> values = r.getList(1);
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = ((Number) values.get(i)).floatValue();
      }
      assertThat(map.put(r.getString(0), Arrays.toString(v))).as("key %s read once", r.getString(0)).isNull();
    }
    return map;
  }

  private static Map<String, String> text(Map<String, float[]> rows) {
    Map<String, String> map = new TreeMap<>();
    rows.forEach((k, v) -> map.put(k, Arrays.toString(v)));
    return map;
  }

  private static String arrayLiteral(float[] v) {
    StringBuilder s = new StringBuilder("ARRAY(");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ", ").append("CAST(").append(Float.toString(v[i])).append(" AS FLOAT)");
    }
    return s.append(")").toString();
  }

  record Neighbor(String key, double distance) {}

  /** The exact k nearest by Euclidean distance, nearest first, ties by key; {@code exclude} left out. */
  private static List<Neighbor> bruteForce(Map<String, float[]> rows, float[] query, int k, String exclude) {
    return rows.entrySet().stream()
        .filter(e -> !e.getKey().equals(exclude))
        .map(e -> new Neighbor(e.getKey(), l2(e.getValue(), query)))
        .sorted(Comparator.comparingDouble(Neighbor::distance).thenComparing(Neighbor::key))
        .limit(k)
        .toList();
  }

  private static double l2(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  private static void assertNearest(Dataset<Row> answer, List<Neighbor> expected) {
    List<Row> rows = answer.collectAsList();
    assertThat(rows).extracting(r -> r.getString(r.fieldIndex("key"))).containsExactlyElementsOf(
        expected.stream().map(Neighbor::key).toList());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertThat(((Number) r.get(r.fieldIndex("rank"))).intValue()).isEqualTo(i + 1);
      assertThat(((Number) r.get(r.fieldIndex("distance"))).doubleValue()).isCloseTo(expected.get(i).distance(), within(1e-4));
    }
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, SparkConnectIT.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static Path bundle() {
    Path jar = Path.of(System.getProperty("embeddinghub.test.bundle"));
    assertThat(jar).as("the Spark bundle (spark-bundle's package)").isRegularFile();
    return jar;
  }

  /** Waits for the server's "started at host:port" line; fails with its output if it exits first. */
  private static int awaitPort() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      String log = Files.readString(serverLog, StandardCharsets.UTF_8);
      Matcher started = STARTED.matcher(log);
      if (started.find()) {
        return Integer.parseInt(started.group(1));
      }
      if (!server.isAlive()) {
        throw new AssertionError("the Spark Connect server exited with " + server.exitValue() + ":\n" + log);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the Spark Connect server did not start in 3 minutes:\n"
        + Files.readString(serverLog, StandardCharsets.UTF_8));
  }
}
