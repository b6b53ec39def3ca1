package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Spark 4.2's {@code APPROX NEAREST k BY …} join on a space is rewritten into the index probe;
 * answers are checked against brute force and against Spark's own (exact) plan for the join.
 */
class SparkNearestByTest {
  private final SparkSession spark = SharedSpark.session();
  private final EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());

  private static final String L2_JOIN =
      "SELECT q.id, s.key, s.embedding FROM %s q JOIN %s s %s NEAREST %d BY DISTANCE vector_l2_distance(q.v, s.embedding)";

  private void queriesView(String name, List<float[]> vectors) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      rows.add(RowFactory.create(i, vectors.get(i) == null ? null : SparkVectors.toList(vectors.get(i))));
    }
    spark.createDataFrame(rows,
            new StructType().add("id", DataTypes.IntegerType).add("v", DataTypes.createArrayType(DataTypes.FloatType)))
        .createOrReplaceTempView(name);
  }

  private static String plan(Dataset<Row> df) {
    return df.queryExecution().executedPlan().toString() + df.queryExecution().optimizedPlan().toString();
  }

  /** query id -> keys (null for an outer join's empty match), in the order of the rows. */
  private static Map<Integer, List<String>> keysByQuery(Dataset<Row> result) {
    Map<Integer, List<String>> out = new TreeMap<>();
    for (Row r : result.collectAsList()) {
      out.computeIfAbsent(r.getInt(0), q -> new ArrayList<>()).add(r.isNullAt(1) ? null : r.getString(1));
    }
    return out;
  }

  private static Map<Integer, Set<String>> asSets(Map<Integer, List<String>> byQuery) {
    Map<Integer, Set<String>> out = new TreeMap<>();
    byQuery.forEach((q, keys) -> out.put(q, new HashSet<>(keys)));
    return out;
  }

  @Tag("slow") // recall and Spark's exact cross-product plan
  @Test
  void approxNearestOnASpaceIsAnsweredByTheIndexProbe() {
    Space space = hub.createSpace(SpaceSpec.builder("nb_l2", 8).buckets(4).build());
    Random random = new Random(11);
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(random, 1200, 8);
    space.multiset(model);
    Map<String, float[]> moved = new HashMap<>();
    for (int i = 0; i < 80; i++) {
      moved.put("k" + i, new float[] {40, 40, 40, 40, 40, 40, 40, i});
    }
    space.multiset(moved);
    model.putAll(moved);
    List<String> deleted = new ArrayList<>();
    for (int i = 80; i < 280; i++) {
      deleted.add("k" + i);
    }
    space.multidelete(deleted);
    deleted.forEach(model::remove);
    List<String> keys = new ArrayList<>(model.keySet());
    List<float[]> queries = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] q = model.get(keys.get(random.nextInt(keys.size()))).clone();
      q[1] += 0.2f;
      queries.add(q);
    }
    queries.add(new float[] {40, 40, 40, 40, 40, 40, 40, 3.4f}); // among the moved keys, not their stale copies
    queriesView("nb_q", queries);

    Dataset<Row> approx = spark.sql(String.format(L2_JOIN, "nb_q", "hub.nb_l2", "APPROX", 10));
    assertThat(plan(approx))
        .contains("EmbeddingHubNearestNeighbors(nb_l2@v3, k=10, ef=64, nprobe=auto")
        .contains("EmbeddingHubLookup(nb_l2@v3")
        .doesNotContain("min_by")
        .doesNotContain("BatchScan"); // the space's vectors are never scanned or shuffled
    List<Row> rows = approx.collectAsList();
    Map<Integer, List<String>> answers = new TreeMap<>();
    for (Row r : rows) {
      String key = r.getString(1);
      assertThat(model).containsKey(key);
      assertThat(SparkVectors.toFloats(r.get(2))).as("embedding of %s", key).containsExactly(model.get(key));
      answers.computeIfAbsent(r.getInt(0), q -> new ArrayList<>()).add(key);
    }
    assertThat(answers).hasSize(queries.size());
    double hits = 0;
    for (int i = 0; i < queries.size(); i++) {
      List<String> truth = BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 10, null);
      assertThat(answers.get(i)).as("query %d", i).hasSize(10).doesNotHaveDuplicates();
      hits += answers.get(i).stream().filter(truth::contains).count();
    }
    assertThat(hits / (queries.size() * 10)).as("recall@10").isGreaterThanOrEqualTo(0.95);
    assertThat(answers.get(40)).containsExactlyInAnyOrder("k3", "k4", "k2", "k5", "k1", "k6", "k0", "k7", "k8", "k9");

    // EXACT is an exact distributed scan (no cross product, no min_by), and its answers are brute force's
    Dataset<Row> exact = spark.sql(String.format(L2_JOIN, "nb_q", "hub.nb_l2", "EXACT", 10));
    assertThat(plan(exact)).contains("EmbeddingHubNearestNeighbors(nb_l2@v3, k=10, exact").doesNotContain("min_by");
    Map<Integer, Set<String>> exactAnswers = asSets(keysByQuery(exact));
    for (int i = 0; i < queries.size(); i++) {
      assertThat(exactAnswers.get(i)).as("the exact answer to query %d", i)
          .isEqualTo(new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 10, null)));
    }

    // a larger ef and the query partitions from the relation's options reach the search
    String withOptions = "hub.nb_l2 WITH ('ef' = '300', 'queryPartitions' = '3')";
    Dataset<Row> wide = spark.sql(String.format(L2_JOIN, "nb_q", withOptions, "APPROX", 10));
    assertThat(plan(wide))
        .contains("EmbeddingHubNearestNeighbors(nb_l2@v3, k=10, ef=300, nprobe=auto")
        .contains("shufflepartitionidpassthrough") // 4 buckets x 3 query partitions, one task each
        .contains("* 4) + __bucket")
        .contains("), 12), REPARTITION_BY_NUM");
    assertThat(asSets(keysByQuery(wide))).isEqualTo(exactAnswers);
    String badOption = "hub.nb_l2 WITH ('queryPartitions' = 'many')";
    assertThatThrownBy(() -> spark.sql(String.format(L2_JOIN, "nb_q", badOption, "APPROX", 10)).collectAsList())
        .hasStackTraceContaining("Option queryPartitions must be a number, got 'many'");

    // switched off, the approximate join runs Spark's plan
    spark.conf().set(NearestByRewrite.ENABLED, "false");
    try {
      Dataset<Row> spark42 = spark.sql(String.format(L2_JOIN, "nb_q", "hub.nb_l2", "APPROX", 10));
      assertThat(plan(spark42)).contains("min_by").doesNotContain("EmbeddingHubNearestNeighbors");
      Dataset<Row> sparkExact = spark.sql(String.format(L2_JOIN, "nb_q", "hub.nb_l2", "EXACT", 10));
      assertThat(plan(sparkExact)).contains("min_by").contains("BatchScan");
      assertThat(asSets(keysByQuery(sparkExact))).as("Spark's own exact plan agrees").isEqualTo(exactAnswers);
    } finally {
      spark.conf().unset(NearestByRewrite.ENABLED);
    }
  }

  @Test
  void aSpaceOfOneSearchUnitIsAnsweredWithoutMergingPerQuery() {
    Space space = hub.createSpace(SpaceSpec.builder("nb_one", 8).buckets(1).build());
    Random random = new Random(21);
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(random, 300, 8);
    space.multiset(model);
    space.buildIndex();
    assertThat(space.indexPartitions()).hasSize(1);
    assertThat(space.unindexedRows()).isZero();
    List<float[]> queries = new ArrayList<>();
    List<String> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < 20; i++) {
      float[] q = model.get(keys.get(random.nextInt(keys.size()))).clone();
      q[0] += 0.3f;
      queries.add(q);
    }
    queries.add(null);
    queriesView("nb_one_q", queries);
    String sql = "SELECT q.id, s.key FROM nb_one_q q %s hub.nb_one s APPROX NEAREST 5 BY DISTANCE "
        + "vector_l2_distance(q.v, s.embedding)";

    Dataset<Row> inner = spark.sql(String.format(sql, "JOIN"));
    assertThat(plan(inner)).contains("EmbeddingHubNearestNeighbors").doesNotContain("row_number");
    Map<Integer, List<String>> answers = keysByQuery(inner);
    assertThat(answers.keySet()).as("every query with a vector, once; the null one has no match")
        .hasSize(20).doesNotContain(20);
    double hits = 0;
    for (int i = 0; i < 20; i++) {
      List<String> truth = BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 5, null);
      assertThat(answers.get(i)).as("query %d", i).hasSize(5).doesNotHaveDuplicates();
      hits += answers.get(i).stream().filter(truth::contains).count();
    }
    assertThat(hits / 100).as("recall@5").isGreaterThanOrEqualTo(0.95);

    // an outer join still merges: its marker row survives only for the query without a match
    Dataset<Row> outer = spark.sql(String.format(sql, "LEFT OUTER JOIN"));
    assertThat(plan(outer)).contains("row_number");
    Map<Integer, List<String>> outerAnswers = keysByQuery(outer);
    assertThat(outerAnswers).hasSize(21).containsEntry(20, java.util.Arrays.asList((String) null));
    for (int i = 0; i < 20; i++) {
      assertThat(outerAnswers.get(i)).as("outer query %d", i).containsExactlyInAnyOrderElementsOf(answers.get(i));
    }
  }

  @Test
  void embeddingsAreLookedUpOnlyWhenTheQueryReadsThem() {
    Space space = hub.createSpace(SpaceSpec.builder("nb_keys", 2).buckets(3).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(12), "k", 200, 2);
    space.multiset(model);
    queriesView("nb_kq", List.of(new float[] {0.5f, 0.5f}, new float[] {-1, 2}));
    Dataset<Row> keysOnly = spark.sql("SELECT q.id, s.key FROM nb_kq q JOIN hub.nb_keys s APPROX NEAREST 7 BY DISTANCE "
        + "vector_l2_distance(s.embedding, q.v)"); // either argument order
    assertThat(plan(keysOnly)).contains("EmbeddingHubNearestNeighbors").doesNotContain("EmbeddingHubLookup");
    Map<Integer, List<String>> answers = keysByQuery(keysOnly);
    assertThat(answers.get(0)).containsExactlyInAnyOrderElementsOf(
        BruteForceKnn.nearestKeys(Metric.L2, model, new float[] {0.5f, 0.5f}, 7, null));
    assertThat(answers.get(1)).containsExactlyInAnyOrderElementsOf(
        BruteForceKnn.nearestKeys(Metric.L2, model, new float[] {-1, 2}, 7, null));
  }

  @Tag("slow") // eight joins against Spark's exact plan
  @Test
  void outerJoinsNullQueriesSmallSpacesAndEmptySpacesMatchSparksOwnPlan() {
    Space tiny = hub.createSpace(SpaceSpec.builder("nb_tiny", 2).buckets(3).build());
    tiny.multiset(Map.of("a", new float[] {0, 0}, "b", new float[] {1, 0}, "c", new float[] {0, 2},
        "d", new float[] {3, 3}, "e", new float[] {-1, 0}));
    hub.createSpace(SpaceSpec.builder("nb_empty", 2).buckets(2).build());
    queriesView("nb_tq", java.util.Arrays.asList(new float[] {0, 0}, null, new float[] {5, 5}));
    for (String space : List.of("hub.nb_tiny", "hub.nb_empty")) {
      for (String join : List.of("JOIN", "LEFT OUTER JOIN")) {
        String sql = "SELECT q.id, s.key FROM nb_tq q " + join + " " + space + " s %s NEAREST 10 BY DISTANCE "
            + "vector_l2_distance(q.v, s.embedding)";
        Dataset<Row> ours = spark.sql(String.format(sql, "APPROX"));
        assertThat(plan(ours)).as(sql).contains("EmbeddingHubNearestNeighbors");
        Map<Integer, List<String>> expected = keysByQuery(spark.sql(String.format(sql, "EXACT")));
        Map<Integer, List<String>> actual = keysByQuery(ours);
        assertThat(asSets(actual)).as(sql).isEqualTo(asSets(expected));
        actual.forEach((q, keys) -> assertThat(keys).as("%s query %d", sql, q).hasSameSizeAs(expected.get(q)));
      }
    }
    // k larger than the space: every row, nearest first (ties by key)
    Map<Integer, List<String>> all = keysByQuery(spark.sql(
        "SELECT q.id, s.key FROM nb_tq q JOIN hub.nb_tiny s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.v, s.embedding)"));
    assertThat(all.keySet()).containsExactly(0, 2);
    assertThat(all.get(0)).hasSize(5);
    // an outer join keeps the null query, once, with a null match
    Map<Integer, List<String>> outer = keysByQuery(spark.sql(
        "SELECT q.id, s.key FROM nb_tq q LEFT OUTER JOIN hub.nb_empty s APPROX NEAREST 3 BY DISTANCE vector_l2_distance(q.v, s.embedding)"));
    assertThat(outer).containsEntry(1, java.util.Arrays.asList((String) null));
  }

  @Tag("slow") // a space per metric
  @Test
  void theRankingFunctionMustMatchTheSpaceMetric() {
    Space cosine = hub.createSpace(SpaceSpec.builder("nb_cos", 3).metric(Metric.COSINE).buckets(2).build());
    Space inner = hub.createSpace(SpaceSpec.builder("nb_ip", 3).metric(Metric.INNER_PRODUCT).buckets(2).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(13), "k", 150, 3);
    cosine.multiset(model);
    inner.multiset(model);
    List<float[]> queries = List.of(new float[] {1, 0, 0}, new float[] {0.3f, -2, 1}, new float[] {-1, -1, 0.5f});
    queriesView("nb_mq", queries);
    String cos = "SELECT q.id, s.key FROM nb_mq q JOIN hub.nb_cos s %s NEAREST 5 BY SIMILARITY vector_cosine_similarity(q.v, s.embedding)";
    String ip = "SELECT q.id, s.key FROM nb_mq q JOIN hub.nb_ip s %s NEAREST 5 BY SIMILARITY vector_inner_product(q.v, s.embedding)";
    for (String sql : List.of(cos, ip)) {
      Dataset<Row> ours = spark.sql(String.format(sql, "APPROX"));
      assertThat(plan(ours)).as(sql).contains("EmbeddingHubNearestNeighbors");
      assertThat(asSets(keysByQuery(ours))).as(sql).isEqualTo(asSets(keysByQuery(spark.sql(String.format(sql, "EXACT")))));
    }
    // L2 ranking on a cosine space: not the space's order, so Spark's plan answers it
    Dataset<Row> mismatch = spark.sql(
        "SELECT q.id, s.key FROM nb_mq q JOIN hub.nb_cos s APPROX NEAREST 5 BY DISTANCE vector_l2_distance(q.v, s.embedding)");
    assertThat(plan(mismatch)).contains("min_by").doesNotContain("EmbeddingHubNearestNeighbors");
    assertThat(keysByQuery(mismatch).get(0))
        .containsExactlyInAnyOrderElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(0), 5, null));
  }

  @Test
  void theDataFrameJoinIsRewrittenAndBadQueriesAreNamed() {
    Space space = hub.createSpace(SpaceSpec.builder("nb_df", 2).buckets(2).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(14), "k", 100, 2);
    space.multiset(model);
    queriesView("nb_dq", List.of(new float[] {0.1f, 0.9f}));
    Dataset<Row> queries = spark.table("nb_dq");
    Dataset<Row> items = spark.table("hub.nb_df");
    Dataset<Row> joined = queries.nearestByJoin(items,
            functions.call_function("vector_l2_distance", queries.col("v"), items.col("embedding")), 4, "approx", "distance")
        .select("id", "key");
    assertThat(plan(joined)).contains("EmbeddingHubNearestNeighbors");
    assertThat(keysByQuery(joined).get(0))
        .containsExactlyInAnyOrderElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, new float[] {0.1f, 0.9f}, 4, null));

    queriesView("nb_bad", List.of(new float[] {1, 2, 3}));
    assertThatThrownBy(() -> spark.sql(
            "SELECT q.id, s.key FROM nb_bad q JOIN hub.nb_df s APPROX NEAREST 3 BY DISTANCE vector_l2_distance(q.v, s.embedding)")
        .collectAsList())
        .hasStackTraceContaining("3 dimensions; the space has 2");
  }
}
