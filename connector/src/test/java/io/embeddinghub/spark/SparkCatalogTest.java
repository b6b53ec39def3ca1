package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceNotFoundException;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionNotFoundException;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The SQL surface through the {@code hub} catalog, checked against the embedded API. */
class SparkCatalogTest {
  private final SparkSession spark = SharedSpark.session();

  private List<Row> sql(String statement) {
    return spark.sql(statement).collectAsList();
  }

  private Space embedded(String name) {
    return EmbeddingHub.open(SharedSpark.catalogRoot()).getSpace(name);
  }

  @Test
  void createInsertSelectDeleteOverwriteDrop() {
    sql("CREATE TABLE hub.items (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='3', 'metric'='cosine', 'buckets'='4')");
    assertThat(sql("SHOW TABLES IN hub").stream().map(r -> r.getString(1)).collect(Collectors.toList())).contains("items");
    assertThat(embedded("items").metric().id()).isEqualTo("cosine");
    String describe = sql("DESCRIBE TABLE EXTENDED hub.items").toString();
    assertThat(describe).contains("embedding").contains("array<float>").contains("dimensions");

    sql("INSERT INTO hub.items VALUES ('a', array(1.0f, 0.0f, 0.0f)), ('b', array(0.0f, 1.0f, 0.0f)), ('c', array(0.0f, 0.0f, 1.0f))");
    sql("INSERT INTO hub.items VALUES ('a', array(2.0f, 2.0f, 2.0f)), ('d', array(1.0f, 1.0f, 0.0f))");
    Map<String, float[]> model = new HashMap<>();
    model.put("a", new float[] {2, 2, 2});
    model.put("b", new float[] {0, 1, 0});
    model.put("c", new float[] {0, 0, 1});
    model.put("d", new float[] {1, 1, 0});
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(spark.table("hub.items")), model);
    assertThat(embedded("items").get("a")).containsExactly(2, 2, 2);

    // time travel
    assertThat(sql("SELECT key FROM hub.items VERSION AS OF 1")).hasSize(3);
    assertThat(sql("SELECT key FROM hub.items VERSION AS OF 1 WHERE key = 'a'").size()).isEqualTo(1);
    assertThat(sql("SELECT embedding FROM hub.items VERSION AS OF 1 WHERE key = 'a'").get(0).getList(0)).containsExactly(1f, 0f, 0f);
    String t1 = embedded("items").history().get(1).timestamp().toString();
    assertThat(sql("SELECT key FROM hub.items TIMESTAMP AS OF '" + t1.replace("T", " ").replace("Z", "") + "'")).hasSize(3);

    // deletes by key predicates
    sql("DELETE FROM hub.items WHERE key IN ('b', 'zz')");
    model.remove("b");
    sql("DELETE FROM hub.items WHERE key = 'c'");
    model.remove("c");
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(spark.table("hub.items")), model);
    sql("INSERT INTO hub.items VALUES ('pre-1', array(1.0f, 1.0f, 1.0f)), ('pre-2', array(1.0f, 2.0f, 1.0f))");
    sql("DELETE FROM hub.items WHERE key LIKE 'pre%'");
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(spark.table("hub.items")), model);

    // overwrite replaces everything atomically
    sql("INSERT OVERWRITE hub.items VALUES ('z', array(0.5f, 0.5f, 0.5f))");
    assertThat(sql("SELECT key FROM hub.items")).extracting(r -> r.getString(0)).containsExactly("z");
    assertThat(embedded("items").size()).isEqualTo(1);

    sql("DROP TABLE hub.items");
    assertThat(EmbeddingHub.open(SharedSpark.catalogRoot()).listSpaces()).doesNotContain("items");
  }

  @Test
  void nearestNeighborsTableFunction() {
    sql("CREATE TABLE hub.tf (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='3')");
    sql("INSERT INTO hub.tf VALUES ('a', array(0.0f, 1.0f, 0.0f)), ('b', array(1.0f, 1.0f, 0.0f)), ('c', array(1.0f, 0.0f, 0.0f))");
    List<Row> byVector = sql("SELECT rank, key, distance FROM nearest_neighbors('hub.tf', ARRAY(0.0, 1.0, 0.0), 2)");
    assertThat(byVector).extracting(r -> r.getString(1)).containsExactly("a", "b");
    assertThat(byVector).extracting(r -> r.getInt(0)).containsExactly(1, 2);
    assertThat(byVector.get(1).getFloat(2)).isEqualTo(1.0f);
    assertThat(sql("SELECT key FROM nearest_neighbors('hub.tf', 'a', 5)")).extracting(r -> r.getString(0))
        .containsExactly("b", "c");
    assertThat(sql("SELECT * FROM nearest_neighbors('hub.tf', ARRAY(1, 0, 0), 0)")).isEmpty();
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('nocat.tf', ARRAY(1, 0, 0), 1)"))
        .hasMessageContaining("nocat");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tf', ARRAY(1, 0), 1)"))
        .hasMessageContaining("2 dimensions");
    sql("DROP TABLE hub.tf");
  }

  @Test
  void nearestNeighborsTableFunctionTakesAKeyFilter() {
    sql("CREATE TABLE hub.tff (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='4')");
    Random random = new Random(7);
    Map<String, float[]> model = new TreeMap<>();
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String key = (i % 3 == 0 ? "shoe-" : "hat-") + String.format("%03d", i);
      float[] v = {random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()};
      model.put(key, v);
      values.append(values.length() == 0 ? "" : ", ").append("('").append(key).append("', array(")
          .append(v[0]).append("f, ").append(v[1]).append("f, ").append(v[2]).append("f, ").append(v[3]).append("f))");
    }
    sql("INSERT INTO hub.tff VALUES " + values);
    sql("DELETE FROM hub.tff WHERE key = 'shoe-003'");
    model.remove("shoe-003");
    spark.createDataFrame(
            List.of(RowFactory.create("shoe-000", true), RowFactory.create("hat-004", true), RowFactory.create("shoe-003", true),
                RowFactory.create("hat-005", false), RowFactory.create("shoe-123", true)),
            new StructType().add("sku", "string").add("in_stock", "boolean"))
        .createOrReplaceTempView("stock");
    float[] query = {0.5f, 0.5f, 0.5f, 0.5f};
    String q = "ARRAY(0.5, 0.5, 0.5, 0.5)";
    record Case(String predicate, Predicate<String> passes) {}
    List<Case> cases = List.of(
        new Case("key LIKE 'shoe-%'", k -> k.startsWith("shoe-")),
        new Case("key >= 'hat-100' AND key < 'hat-200'", k -> k.compareTo("hat-100") >= 0 && k.compareTo("hat-200") < 0),
        new Case("key IN ('hat-001', 'shoe-003', 'nope')", k -> k.equals("hat-001")),
        new Case("key = 'shoe-012'", k -> k.equals("shoe-012")),
        new Case("key IN (SELECT sku FROM stock WHERE in_stock)", k -> List.of("shoe-000", "hat-004", "shoe-123").contains(k)),
        new Case("startswith(key, 'hat-2') AND key IS NOT NULL", k -> k.startsWith("hat-2")),
        new Case("key IS NOT NULL", k -> true),
        new Case("key = 'nope'", k -> false));
    for (Case c : cases) {
      List<String> expected = BruteForceKnn.nearestKeys(Metric.L2, only(model, c.passes()), query, 10, null);
      // the predicate as a SQL string literal, its quotes escaped with a backslash (every Spark line reads that)
      String literal = "'" + c.predicate().replace("'", "\\'") + "'";
      List<Row> got = sql("SELECT rank, key FROM nearest_neighbors('hub.tff', " + q + ", 10, 0, " + literal + ")");
      assertThat(got).as(c.predicate()).extracting(r -> r.getString(1)).containsExactlyElementsOf(expected);
      assertThat(got).extracting(r -> r.getInt(0))
          .containsExactlyElementsOf(IntStream.rangeClosed(1, expected.size()).boxed().toList());
    }
    // by stored key: the query's key does not pass the filter, its neighbors are the nearest shoes
    assertThat(sql("SELECT key FROM nearest_neighbors('hub.tff', 'hat-001', 3, 64, 'key LIKE \\'shoe-%\\'')"))
        .extracting(r -> r.getString(0))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(
            Metric.L2, only(model, k -> k.startsWith("shoe-")), model.get("hat-001"), 3, null));

    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tff', " + q + ", 3, 0, 'length(key) > 3')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("length(key) > 3")
        .hasMessageContaining("not one on key alone");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tff', " + q + ", 3, 0, 'embedding IS NULL')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("embedding IS NULL");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tff', " + q + ", 3, 0, 'key LIKE')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a valid predicate");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tff', " + q + ", 3, 0, 'key')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a valid predicate");
    assertThatThrownBy(() -> sql("SELECT * FROM nearest_neighbors('hub.tff', " + q + ", 3, 0, 7)"))
        .hasMessageContaining("the key filter must be a string");
    sql("DROP TABLE hub.tff");
  }

  @Test
  void multigetTableFunctionAnswersAsTheModel() {
    EmbeddingHub embedded = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = embedded.createSpace(SpaceSpec.builder("mg", 3).buckets(4).build());
    Random random = new Random(11);
    Map<String, float[]> model = new HashMap<>(SparkDataFrameTest.randomRows(random, "k", 200, 3));
    space.multiset(model); // version 1
    Map<String, float[]> atVersion1 = new HashMap<>(model);
    Map<String, float[]> update = SparkDataFrameTest.randomRows(random, "k", 50, 3); // k0..k49 replaced
    space.multiset(update);
    model.putAll(update);
    space.multidelete(List.of("k7", "k150"));
    model.remove("k7");
    model.remove("k150");
    long latest = space.version();

    List<String> wanted = List.of("k1", "k7", "k150", "k1", "absent", "k199", "", "k42", "k42", "k120");
    String array = wanted.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ", "ARRAY(", ", NULL)"));
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', " + array + ")"), wanted, model);
    assertThat(spark.sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'))").schema()).isEqualTo(spark.table("hub.mg").schema());
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', " + array + ", 1)"), wanted, atVersion1);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', " + array + ", " + latest + ")"), wanted, model);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', ARRAY())"), List.of(), model);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', CAST(ARRAY() AS ARRAY<STRING>))"), List.of(), model);

    // keys from a query: a subquery with repeats, absent and deleted keys, and the other predicate forms
    List<String> skus = List.of("k3", "k3", "k7", "nope", "k60", "k199", "k60");
    spark.createDataFrame(skus.stream().map(k -> RowFactory.create(k)).toList(), new StructType().add("sku", "string"))
        .createOrReplaceTempView("mg_orders");
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', 'key IN (SELECT sku FROM mg_orders)')"), skus, model);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', 'key IN (SELECT sku FROM mg_orders)', 1)"), skus, atVersion1);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', 'key = \\'k5\\'')"), List.of("k5"), model);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', 'key IN (\\'k5\\', \\'k6\\', \\'k7\\')"
        + " AND key IN (SELECT sku FROM mg_orders UNION ALL SELECT \\'k6\\')')"), List.of("k6", "k7"), model);
    assertMultiget(spark.sql("SELECT * FROM multiget('hub.mg', 'key IN (SELECT sku FROM mg_orders WHERE sku > \\'x\\')')"),
        List.of(), model);
    // composes with the rest of the statement
    assertThat(sql("SELECT count(*) FROM multiget('hub.mg', 'key IN (SELECT sku FROM mg_orders)') m"
        + " JOIN mg_orders o ON m.key = o.sku").get(0).getLong(0))
        .isEqualTo(skus.stream().filter(model::containsKey).count());

    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', 'key LIKE \\'k1%\\'')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("key LIKE 'k1%'").hasMessageContaining("does not name its keys");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', 'key IS NOT NULL')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'key IS NOT NULL' does not name its keys");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', 'length(key) > 1')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("length(key) > 1").hasMessageContaining("not one on key alone");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY(1, 2))"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("the keys must be").hasMessageContaining("ARRAY<INT>");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', 7)"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 7");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Usage: multiget(").hasMessageContaining("got 1 arguments");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'), 1, 2)"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 4 arguments");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('nocat.mg', ARRAY('k1'))"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("nocat");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('mg', ARRAY('k1'))"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 'mg'");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.nothere', ARRAY('k1'))"))
        .isInstanceOf(SpaceNotFoundException.class).hasMessageContaining("nothere");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'), -1)"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got -1");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'), 99)"))
        .isInstanceOf(VersionNotFoundException.class).hasMessageContaining("99");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'), 'one')"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("the version must be an integer, got 'one'");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY('k1'), 1.5)"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 1.5");
    assertThatThrownBy(() -> sql("SELECT * FROM multiget('hub.mg', ARRAY(CAST(rand() AS STRING)))"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("the keys must be a constant");
    sql("DROP TABLE hub.mg");
  }

  /**
   * The oracle: the rows of the distinct {@code wanted} keys that {@code model} holds, each once,
   * embeddings equal; and a plan that never scans the space.
   */
  private static void assertMultiget(org.apache.spark.sql.Dataset<Row> result, List<String> wanted, Map<String, float[]> model) {
    String plan = result.queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContain("BatchScan").doesNotContain("EmbeddingHubScan");
    List<Row> rows = result.collectAsList();
    Map<String, float[]> expected = new HashMap<>();
    wanted.stream().filter(model::containsKey).forEach(k -> expected.put(k, model.get(k)));
    assertThat(rows).extracting(r -> r.getString(0)).doesNotHaveDuplicates().hasSize(expected.size());
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(result), expected);
  }

  private static Map<String, float[]> only(Map<String, float[]> rows, Predicate<String> keys) {
    Map<String, float[]> out = new HashMap<>();
    rows.forEach((key, v) -> {
      if (keys.test(key)) {
        out.put(key, v);
      }
    });
    return out;
  }

  @Test
  void historyProcedureListsEveryVersionAsTheStatementsMadeThem() {
    sql("CREATE TABLE hub.hist (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')");
    sql("INSERT INTO hub.hist VALUES ('a', array(1.0f, 0.0f)), ('b', array(0.0f, 1.0f)), ('c', array(1.0f, 1.0f))");
    sql("INSERT INTO hub.hist VALUES ('a', array(2.0f, 2.0f)), ('d', array(3.0f, 3.0f))"); // 'a' replaced
    sql("DELETE FROM hub.hist WHERE key IN ('b', 'c')");
    java.time.Instant after = java.time.Instant.now();
    List<Row> history = sql("CALL hub.system.history('hist')");
    // what the statements above did: version, rows added, rows deleted, keys afterwards
    long[][] expected = {{0, 0, 0, 0}, {1, 3, 0, 3}, {2, 2, 1, 4}, {3, 0, 2, 2}};
    assertThat(history).hasSize(expected.length);
    for (int v = 0; v < expected.length; v++) {
      Row row = history.get(v);
      assertThat(new long[] {row.getLong(0), row.getLong(3), row.getLong(4), row.getLong(5)}).as("version %d", v)
          .containsExactly(expected[v]);
      assertThat(row.getTimestamp(1).toInstant()).isBeforeOrEqualTo(after);
      if (v > 0) {
        assertThat(row.getTimestamp(1)).isAfterOrEqualTo(history.get(v - 1).getTimestamp(1));
      }
      assertThat(row.getString(2)).isNotBlank();
    }
    assertThat(history.get(3).getString(2)).containsIgnoringCase("delete");
    assertThatThrownBy(() -> sql("CALL hub.system.history('no_such_space')")).hasMessageContaining("no_such_space");
    sql("DROP TABLE hub.hist");
  }

  @Test
  void catalogErrorsAreSparkErrors() {
    assertThatThrownBy(() -> sql("SELECT * FROM hub.nothing_here")).hasMessageContaining("nothing_here");
    sql("CREATE TABLE hub.twice (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')");
    assertThatThrownBy(() -> sql("CREATE TABLE hub.twice (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')"))
        .isInstanceOf(org.apache.spark.sql.AnalysisException.class);
    assertThatThrownBy(() -> sql("CREATE TABLE hub.nodims (key STRING, embedding ARRAY<FLOAT>)"))
        .hasMessageContaining("dimensions");
    assertThatThrownBy(() -> sql("CREATE TABLE hub.badschema (id INT, v ARRAY<FLOAT>) TBLPROPERTIES ('dimensions'='2')"))
        .hasMessageContaining("key STRING, embedding ARRAY<FLOAT>");
    assertThatThrownBy(() -> sql("INSERT INTO hub.twice VALUES ('k', array(1.0f, 2.0f, 3.0f))"))
        .hasStackTraceContaining("3 dimensions");
    assertThat(embedded("twice").version()).isZero();
    assertThatThrownBy(() -> sql("SELECT * FROM hub.twice VERSION AS OF 7")).hasStackTraceContaining("Version 7");
    sql("DROP TABLE hub.twice");
  }
}
