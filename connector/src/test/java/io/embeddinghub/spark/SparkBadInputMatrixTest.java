package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.DataFileInfo;
import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.testing.BruteForceKnn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Every DataFrame option with every hostile value, and hostile SQL arguments (VERSION AS OF,
 * TIMESTAMP AS OF, {@code nearest_neighbors}, procedure arguments, space names), generated, against
 * a sandbox that holds a real hub: a space with three versions of data, and a file beside the hub
 * root. Each case either succeeds — and then answers exactly (a write reads back with the old rows
 * intact, a read returns the version asked for, a search returns brute force's neighbours) — or
 * fails with the library's own exception somewhere in Spark's wrapping (never a bare
 * NumberFormatException, NPE or Spark internal error alone), and a failed case leaves every byte
 * of the sandbox as it was, the space's data files (read by Spark's own Parquet reader) holding the
 * same rows, and the space the same size.
 */
@Tag("slow")
class SparkBadInputMatrixTest {
  private static final List<String> HOSTILE_VALUES =
      List.of("abc", "", "-1", "0", "1e99", "NaN", "99999999999", "\u0000");
  /** The options a write reads (the rest are read options, which a write ignores, as Spark's sources do). */
  private static final List<String> WRITE_OPTIONS = List.of(SparkOptions.DIMENSIONS, SparkOptions.METRIC,
      SparkOptions.BUCKETS, SparkOptions.INDEX_M, SparkOptions.INDEX_EF_CONSTRUCTION, SparkOptions.INDEX_EF,
      SparkOptions.TARGET_FILE_BYTES, SparkOptions.TARGET_FILE_ROWS, SparkOptions.DEDUPE);
  /** The values of create-only options tried on writes into the existing space, which ignores them. */
  private static final List<String> CREATE_ONLY_VALUES_INTO_DATA = List.of("abc", "-1");
  private static final List<String> READ_OPTIONS = List.of(SparkOptions.VERSION_AS_OF, SparkOptions.TIMESTAMP_AS_OF);
  private static final List<String> SEARCH_OPTIONS = List.of(SparkOptions.SEARCH_EF, SparkOptions.SEARCH_NPROBE,
      SparkOptions.SEARCH_TARGET_RECALL, SparkOptions.QUERY_PARTITIONS);
  private static final int DIMS = 2;
  /** The space with data in every sandbox. */
  private static final String SPACE = "w";
  /** Its contents at each version: created empty, then three writes of ten rows. */
  private static final Map<Long, Map<String, float[]>> VERSIONS = new TreeMap<>();
  private static Map<String, float[]> model;
  private static SpaceSpec spec;
  /** The sandbox every case starts from: {@code hub/} (the hub root) and {@code outside.txt}. */
  private static Path template;
  private static int accepted;
  private static int rejected;
  private static final List<String> ACCEPTED = new ArrayList<>();

  private final SparkSession spark = SharedSpark.session();

  @BeforeAll
  static void makeTemplate() throws IOException {
    template = Path.of(URI.create(SharedSpark.newHubRoot()));
    Files.writeString(template.resolve("outside.txt"), "a file next to the hub root");
    Space space = EmbeddingHub.open(template.resolve("hub").toUri().toString()).createSpace(SPACE, DIMS);
    spec = space.spec();
    Map<String, float[]> rows = new TreeMap<>();
    VERSIONS.put(space.version(), new TreeMap<>(rows));
    for (int v = 0; v < 3; v++) {
      Map<String, float[]> batch = SparkDataFrameTest.randomRows(new Random(100 + v), "k" + v + "-", 10, DIMS);
      space.multiset(batch);
      rows.putAll(batch);
      VERSIONS.put(space.version(), new TreeMap<>(rows));
    }
    model = rows;
  }

  @AfterAll
  static void report() {
    System.out.printf("SparkBadInputMatrixTest: %d cases, %d accepted, %d rejected with the hub unchanged%n",
        accepted + rejected, accepted, rejected);
    System.out.println("SparkBadInputMatrixTest: accepted " + ACCEPTED);
  }

  @Test
  void everyWriteOptionWithEveryHostileValue() {
    Path sandbox = copyOfTemplate();
    Map<String, Map<String, float[]>> expected = new TreeMap<>(); // space -> rows, as accepted writes leave them
    expected.put(SPACE, new TreeMap<>(model));
    int cases = 0;
    for (String option : WRITE_OPTIONS) {
      for (String value : HOSTILE_VALUES) {
        // creating a space beside the one with data, and writing into that one (where only dimensions and
        // dedupe apply: the other create options are ignored, so two of their values show that, to keep the test short)
        boolean intoDataToo = option.equals(SparkOptions.DIMENSIONS) || option.equals(SparkOptions.DEDUPE)
            || CREATE_ONLY_VALUES_INTO_DATA.contains(value);
        for (boolean intoData : intoDataToo ? new boolean[] {true, false} : new boolean[] {false}) {
          cases++;
          String target = intoData ? SPACE : "n" + cases;
          String context = option + "=" + printable(value) + " writing into " + (intoData ? "the space with data" : "a new space");
          Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(cases), "c" + cases + "-", 3, DIMS);
          boolean ok = attempt(sandbox, context, () -> SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
              .option("path", root(sandbox)).option("space", target).option(option, value).mode("append").save(),
              () -> assertThat(space(sandbox, SPACE).size()).as("%s: size", context).isEqualTo(expected.get(SPACE).size()));
          if (ok) {
            expected.computeIfAbsent(target, t -> new TreeMap<>()).putAll(rows);
            Space written = space(sandbox, target);
            if (intoData) {
              assertThat(written.spec()).as("%s: the space's spec", context).isEqualTo(spec);
            }
            assertThat(written.size()).as("%s: size", context).isEqualTo(expected.get(target).size());
            List<String> keys = new ArrayList<>(expected.get(target).keySet());
            List<float[]> got = written.multiget(keys);
            for (int i = 0; i < keys.size(); i++) {
              assertThat(got.get(i)).as("%s: %s", context, keys.get(i)).containsExactly(expected.get(target).get(keys.get(i)));
            }
            assertThat(sandbox.resolve("outside.txt")).as(context).hasContent("a file next to the hub root");
          }
        }
      }
    }
    expected.forEach((name, rows) -> assertSpaceHolds(sandbox, name, rows, "after every write case"));
  }

  @Test
  void everyReadOptionWithEveryHostileValue() {
    Path sandbox = copyOfTemplate();
    Map<String, String> files = files(sandbox);
    for (String option : READ_OPTIONS) {
      for (String value : HOSTILE_VALUES) {
        String context = option + "=" + printable(value);
        List<List<Row>> result = new ArrayList<>();
        boolean ok = attempt(sandbox, context, () -> result.add(spark.read().format("embeddinghub")
                .option("path", root(sandbox)).option("space", SPACE).option(option, value).load().collectAsList()),
            () -> assertThat(space(sandbox, SPACE).size()).as("%s: size", context).isEqualTo(model.size()));
        if (ok) {
          Map<String, float[]> got = new HashMap<>();
          for (Row r : result.get(0)) {
            got.put(r.getString(0), SparkVectors.toFloats(r.getList(1)));
          }
          assertThat(option).as("%s: accepted", context).isEqualTo(SparkOptions.VERSION_AS_OF);
          assertThat(value.trim()).as("a version accepted").matches("[0-9]+");
          assertThat(VERSIONS).as(context).containsKey(Long.parseLong(value.trim()));
          SparkDataFrameTest.assertSameContents(got, VERSIONS.get(Long.parseLong(value.trim())));
        }
        assertThat(files(sandbox)).as("%s: a read changes no file", context).isEqualTo(files);
      }
    }
    assertSpaceHolds(sandbox, SPACE, model, "after every read case");
  }

  @Test
  @EnabledIf("io.embeddinghub.spark.SparkLine#nearestBy") // Spark 4.2's NEAREST BY join
  void everySearchOptionWithEveryHostileValue() {
    Path sandbox = copyOfTemplate();
    spark.conf().set("spark.sql.catalog.badhub", EmbeddingHubCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.badhub.path", root(sandbox));
    List<float[]> queries = List.of(new float[] {0.5f, -0.5f}, new float[] {-2, 1}, new float[] {0, 0.1f});
    List<Row> queryRows = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      queryRows.add(RowFactory.create(i, SparkVectors.toList(queries.get(i))));
    }
    spark.createDataFrame(queryRows,
            new StructType().add("id", DataTypes.IntegerType).add("v", DataTypes.createArrayType(DataTypes.FloatType)))
        .createOrReplaceTempView("bad_q");
    Map<String, String> files = files(sandbox);
    for (String option : SEARCH_OPTIONS) {
      for (String value : HOSTILE_VALUES) {
        String context = option + "=" + printable(value);
        String sql = "SELECT q.id, s.key FROM bad_q q JOIN badhub." + SPACE + " WITH ('" + option + "' = '" + value
            + "') s APPROX NEAREST 5 BY DISTANCE vector_l2_distance(q.v, s.embedding)";
        List<List<Row>> result = new ArrayList<>();
        boolean ok = attempt(sandbox, context, () -> result.add(spark.sql(sql).collectAsList()),
            () -> assertThat(space(sandbox, SPACE).size()).as("%s: size", context).isEqualTo(model.size()));
        if (ok) {
          Map<Integer, Set<String>> got = new TreeMap<>();
          for (Row r : result.get(0)) {
            got.computeIfAbsent(r.getInt(0), q -> new HashSet<>()).add(r.getString(1));
          }
          Map<Integer, Set<String>> expected = new TreeMap<>();
          for (int i = 0; i < queries.size(); i++) {
            expected.put(i, new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 5, null)));
          }
          // 30 rows, no index: every search is exact
          assertThat(got).as("%s: accepted, the neighbours", context).isEqualTo(expected);
        }
        assertThat(files(sandbox)).as("%s: a search changes no file", context).isEqualTo(files);
      }
    }
    assertSpaceHolds(sandbox, SPACE, model, "after every search case");
  }

  @Test
  void hostileSqlArguments() {
    Path root = Path.of(URI.create(SharedSpark.catalogRoot()));
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
        ok = attempt(root, sql, () -> spark.sql(sql).collectAsList(), () -> { });
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
   * causes, after checking that no file under {@code sandbox} changed and that {@code intact}
   * holds. Any other failure fails the test.
   */
  private static boolean attempt(Path sandbox, String context, Runnable call, Runnable intact) {
    Map<String, String> before = files(sandbox);
    try {
      call.run();
      accepted++;
      ACCEPTED.add(context);
      return true;
    } catch (Exception e) { // Spark throws its checked AnalysisException undeclared
      EmbeddingHubException ours = null;
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertThat(t).as("%s: cause of %s", context, e).isNotInstanceOfAny(NumberFormatException.class,
            NullPointerException.class, ArithmeticException.class, ArrayIndexOutOfBoundsException.class,
            OutOfMemoryError.class);
        if (t instanceof EmbeddingHubException h) {
          ours = h;
        }
      }
      if (ours == null && !isSparksOwnAnalysisError(e)) {
        throw new AssertionError(context + ": failed without an EmbeddingHub exception naming the problem: " + e, e);
      }
      assertThat(files(sandbox)).as("%s: files after the refusal %s", context, e.getMessage()).isEqualTo(before);
      intact.run();
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

  /**
   * The space {@code name} of the sandbox holds exactly {@code expected}: its size, and the rows
   * of its data files as Spark's own Parquet reader reads them (no file holds a deleted row here:
   * the cases only add new keys). Together with the files' hashes checked around every refused
   * case, this shows the data a refusal left behind is the data the space held.
   */
  private void assertSpaceHolds(Path sandbox, String name, Map<String, float[]> expected, String context) {
    Space space = space(sandbox, name);
    assertThat(space.size()).as("%s: size of %s", context, name).isEqualTo(expected.size());
    List<String> paths = new ArrayList<>();
    for (DataFileInfo f : space.dataFiles()) {
      assertThat(f.liveRows()).as("%s: %s has no deleted rows", context, f.path()).isEqualTo(f.rows());
      paths.add(root(sandbox) + f.path());
    }
    Map<String, float[]> plain = new HashMap<>();
    if (!paths.isEmpty()) {
      for (Row row : spark.read().parquet(paths.toArray(new String[0])).collectAsList()) {
        assertThat(plain.put(row.getString(0), SparkVectors.toFloats(row.getList(1))))
            .as("%s: key %s in two files", context, row.getString(0)).isNull();
      }
    }
    SparkDataFrameTest.assertSameContents(plain, expected);
  }

  private static Space space(Path sandbox, String name) {
    return EmbeddingHub.open(root(sandbox)).getSpace(name);
  }

  /** The hub root of a sandbox, as a URI ending in a slash. */
  private static String root(Path sandbox) {
    return sandbox.resolve("hub").toUri().toString();
  }

  private static String printable(String value) {
    return value.replace("\u0000", "\\u0000");
  }

  /** A fresh copy of the template sandbox. */
  private static Path copyOfTemplate() {
    try {
      Path copy = Path.of(URI.create(SharedSpark.newHubRoot()));
      try (Stream<Path> walk = Files.walk(template)) {
        for (Path p : walk.toList()) {
          Path to = copy.resolve(template.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Path relative to {@code dir} -> SHA-256 of the content, for every file under it. */
  private static Map<String, String> files(Path dir) {
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
