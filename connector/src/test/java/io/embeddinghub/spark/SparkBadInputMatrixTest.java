package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.Space;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every DataFrame option with every hostile value, and hostile SQL arguments (VERSION AS OF,
 * TIMESTAMP AS OF, {@code nearest_neighbors}, procedure arguments, space names), generated. Each
 * case either succeeds — and then a write reads back exactly — or fails with the library's own
 * exception somewhere in Spark's wrapping (never a bare NumberFormatException, NPE or Spark
 * internal error alone), and a failed case leaves every byte of the hub as it was.
 */
class SparkBadInputMatrixTest {
  private static final List<String> HOSTILE_VALUES =
      List.of("abc", "", "-1", "0", "1e99", "NaN", "99999999999", "\u0000");
  /** The options a write reads (the rest are read options, which a write ignores, as Spark's sources do). */
  private static final List<String> WRITE_OPTIONS = List.of(SparkOptions.DIMENSIONS, SparkOptions.METRIC,
      SparkOptions.BUCKETS, SparkOptions.INDEX_M, SparkOptions.INDEX_EF_CONSTRUCTION, SparkOptions.INDEX_EF,
      SparkOptions.TARGET_FILE_BYTES, SparkOptions.TARGET_FILE_ROWS, SparkOptions.DEDUPE);
  private static final List<String> READ_OPTIONS = List.of(SparkOptions.VERSION_AS_OF, SparkOptions.TIMESTAMP_AS_OF);
  private static int accepted;
  private static int rejected;

  private final SparkSession spark = SharedSpark.session();

  @AfterAll
  static void report() {
    System.out.printf("SparkBadInputMatrixTest: %d cases, %d accepted, %d rejected with the hub unchanged%n",
        accepted + rejected, accepted, rejected);
  }

  @Test
  void everyWriteOptionWithEveryHostileValue() {
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(7), "k", 6, 2);
    for (String option : WRITE_OPTIONS) {
      for (String value : HOSTILE_VALUES) {
        for (boolean spaceExists : option.equals(SparkOptions.DIMENSIONS) ? new boolean[] {false, true} : new boolean[] {false}) {
          String root = SharedSpark.newHubRoot();
          if (spaceExists) {
            EmbeddingHub.open(root).createSpace("w", 2).set("old", new float[] {9, 9});
          }
          boolean ok = attempt(root, () -> SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
              .option("path", root).option("space", "w").option(option, value).mode("append").save());
          if (ok) {
            Space space = EmbeddingHub.open(root).getSpace("w");
            rows.forEach((k, v) -> assertThat(space.get(k)).as("%s=%s: %s", option, value, k).containsExactly(v));
          }
        }
      }
    }
  }

  @Test
  void everyReadOptionWithEveryHostileValue() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace("r", 2);
    space.set("a", new float[] {1, 2});
    for (String option : READ_OPTIONS) {
      for (String value : HOSTILE_VALUES) {
        boolean ok = attempt(root, () -> spark.read().format("embeddinghub").option("path", root).option("space", "r")
            .option(option, value).load().collectAsList());
        if (ok && option.equals(SparkOptions.VERSION_AS_OF)) {
          assertThat(value.trim()).as("a version accepted").matches("[0-9]+");
        }
      }
    }
  }

  @Test
  void everySearchOptionWithEveryHostileValue() {
    for (String option : List.of(SparkOptions.SEARCH_EF, SparkOptions.SEARCH_NPROBE, SparkOptions.SEARCH_TARGET_RECALL,
        SparkOptions.QUERY_PARTITIONS)) {
      for (String value : HOSTILE_VALUES) {
        attempt(SharedSpark.newHubRoot(), () -> SparkOptions.searchOptions(
            new org.apache.spark.sql.util.CaseInsensitiveStringMap(Map.of(option, value))));
      }
    }
  }

  @Test
  void hostileSqlArguments() {
    String root = SharedSpark.catalogRoot();
    spark.sql("CREATE TABLE hub.sqlbad (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')");
    spark.sql("INSERT INTO hub.sqlbad VALUES ('a', array(1.0f, 2.0f)), ('b', array(3.0f, 4.0f))");
    List<String> statements = new ArrayList<>();
    for (String v : List.of("-1", "99", "'abc'", "NULL", "9223372036854775807")) {
      statements.add("SELECT * FROM hub.sqlbad VERSION AS OF " + v);
    }
    for (String t : List.of("'garbage'", "'-290308-12-21 19:59:05'", "'1969-01-01 00:00:00'", "''")) {
      statements.add("SELECT * FROM hub.sqlbad TIMESTAMP AS OF " + t);
    }
    for (String k : List.of("-1", "-2147483648", "'x'", "NULL", "1.5")) {
      statements.add("SELECT * FROM nearest_neighbors('hub.sqlbad', ARRAY(1.0, 2.0), " + k + ")");
    }
    for (String ef : List.of("-1", "100001", "'x'", "NULL")) {
      statements.add("SELECT * FROM nearest_neighbors('hub.sqlbad', ARRAY(1.0, 2.0), 1, " + ef + ")");
    }
    for (String q : List.of("ARRAY(1.0)", "ARRAY(1.0, 2.0, 3.0)", "ARRAY(CAST('NaN' AS FLOAT), 1.0)", "'no-such-key'", "''",
        "ARRAY()", "NULL")) {
      statements.add("SELECT * FROM nearest_neighbors('hub.sqlbad', " + q + ", 1)");
    }
    for (String name : List.of("'hub.'", "'hub.../x'", "'hub.a/b'", "'nohub.sqlbad'", "'sqlbad'", "''", "NULL")) {
      statements.add("SELECT * FROM nearest_neighbors(" + name + ", ARRAY(1.0, 2.0), 1)");
    }
    for (String args : List.of("'sqlbad', retention_hours => -1", "'sqlbad', retention_hours => CAST('NaN' AS DOUBLE)",
        "'sqlbad', retention_hours => 0.0001", "'no_such'", "NULL", "'../x'")) {
      statements.add("CALL hub.system.vacuum(" + args + ")");
    }
    for (String args : List.of("'no_such'", "NULL", "'../x'", "'a/b'")) {
      statements.add("CALL hub.system.optimize(" + args + ")");
      statements.add("CALL hub.system.build_index(" + args + ")");
    }
    for (String table : List.of("hub.`../x`", "hub.`a/b`", "hub.`.`", "hub.`a b`")) {
      statements.add("SELECT * FROM " + table);
      statements.add("CREATE TABLE " + table + " (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')");
    }
    for (String row : List.of("(NULL, array(1.0f, 2.0f))", "('', array(1.0f, 2.0f))", "('c', array(1.0f))",
        "('c', NULL)", "('c', array(CAST('NaN' AS FLOAT), 1.0f))", "('c', array(1.0f, NULL))")) {
      statements.add("INSERT INTO hub.sqlbad VALUES " + row);
    }
    for (String sql : statements) {
      boolean ok;
      try {
        ok = attempt(root, () -> spark.sql(sql).collectAsList());
      } catch (AssertionError e) {
        throw new AssertionError(sql + ": " + e.getMessage(), e);
      }
      assertThat(ok).as("%s must be refused", sql).isFalse();
    }
    assertThat(spark.sql("SELECT key FROM hub.sqlbad ORDER BY key").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("a", "b");
    spark.sql("DROP TABLE hub.sqlbad");
  }

  /**
   * Runs one case: true if it succeeded; false if it failed with the library's exception in its
   * causes, after checking that the hub's files did not change. Any other failure fails the test.
   */
  private static boolean attempt(String root, Runnable call) {
    Map<String, String> before = files(root);
    try {
      call.run();
      accepted++;
      return true;
    } catch (Exception e) { // Spark throws its checked AnalysisException undeclared
      EmbeddingHubException ours = null;
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertThat(t).as("cause of %s", e).isNotInstanceOfAny(NumberFormatException.class, NullPointerException.class,
            ArithmeticException.class, ArrayIndexOutOfBoundsException.class, OutOfMemoryError.class);
        if (t instanceof EmbeddingHubException h) {
          ours = h;
        }
      }
      if (ours == null && !isSparksOwnAnalysisError(e)) {
        throw new AssertionError("Failed without an EmbeddingHub exception naming the problem: " + e, e);
      }
      assertThat(files(root)).as("hub files after the refused case %s", e.getMessage()).isEqualTo(before);
      rejected++;
      return false;
    }
  }

  /** Spark refuses some SQL before any EmbeddingHub code runs (a type mismatch, a bad identifier): fine too. */
  private static boolean isSparksOwnAnalysisError(Throwable e) {
    return e instanceof org.apache.spark.sql.AnalysisException
        || e instanceof org.apache.spark.sql.catalyst.parser.ParseException
        || e instanceof org.apache.spark.SparkIllegalArgumentException
        || e instanceof org.apache.spark.SparkNumberFormatException
        || e instanceof org.apache.spark.SparkDateTimeException;
  }


  /** Path relative to the hub root -> SHA-256 of the content, for every file under it. */
  private static Map<String, String> files(String root) {
    Path dir = Path.of(URI.create(root.endsWith("/") ? root : root + "/"));
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }
}
