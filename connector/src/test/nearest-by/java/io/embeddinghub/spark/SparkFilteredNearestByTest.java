package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexParams;
import io.embeddinghub.KeyFilter;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spark 4.2's {@code APPROX NEAREST} join whose space side carries a {@code WHERE} on the key (a
 * prefix, a range, a subquery of allowed keys) is answered by the filtered index probe: exactly
 * {@code min(k, matching rows)} per query against brute force over the matching rows, where
 * Spark's own plan would rank the whole filtered cross product; a predicate on anything else
 * keeps Spark's plan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow") // a space of several partitions and four joins: about a minute
class SparkFilteredNearestByTest {
  private static final int DIMS = 8;
  private static final int K = 10;
  private static final String JOIN = "SELECT q.id, s.key FROM nbf_q q JOIN (SELECT * FROM hub.nbf WHERE %s) s"
      + " APPROX NEAREST " + K + " BY DISTANCE vector_l2_distance(q.v, s.embedding)";
  private final SparkSession spark = SharedSpark.session();
  private final Map<String, float[]> model = new HashMap<>();
  private final List<float[]> queries = new ArrayList<>();

  @BeforeAll
  void createSpace() {
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = hub.createSpace(SpaceSpec.builder("nbf", DIMS)
        .indexParams(new IndexParams(16, 100, 32, 16 << 10, 0)).build());
    Random random = new Random(2026);
    float[][] centres = new float[10][DIMS];
    for (float[] c : centres) {
      for (int d = 0; d < DIMS; d++) {
        c[d] = (float) random.nextGaussian() * 6;
      }
    }
    for (int i = 0; i < 3_000; i++) {
      int cluster = random.nextInt(centres.length);
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = centres[cluster][d] + (float) random.nextGaussian();
      }
      model.put("c" + cluster + "-" + String.format("%05d", i), v); // the key names the cluster
    }
    space.multiset(model);
    space.buildIndex();
    assertThat(space.indexPartitions().size()).isGreaterThan(2);
    List<Row> rows = new ArrayList<>();
    for (int q = 0; q < 12; q++) { // near clusters 0 and 1: far from the filters' rows below
      float[] v = centres[q % 2].clone();
      for (int d = 0; d < DIMS; d++) {
        v[d] += (float) random.nextGaussian();
      }
      queries.add(v);
      rows.add(RowFactory.create(q, SparkVectors.toList(v)));
    }
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("v", DataTypes.createArrayType(DataTypes.FloatType))).createOrReplaceTempView("nbf_q");
  }

  private static String plan(Dataset<Row> df) {
    return df.queryExecution().executedPlan().toString() + df.queryExecution().optimizedPlan().toString();
  }

  /** Runs the join, checks min(k, matching) per query and the plan; returns recall@10 vs brute force. */
  private double joinAndCheck(String where, KeyFilter sameFilter, String strategy) {
    Dataset<Row> result = spark.sql(String.format(JOIN, where));
    assertThat(plan(result)).as(where).contains("EmbeddingHubNearestNeighbors(nbf@").contains("filter: " + strategy)
        .doesNotContain("min_by");
    Map<Integer, List<String>> byQuery = new TreeMap<>();
    for (Row r : result.collectAsList()) {
      byQuery.computeIfAbsent(r.getInt(0), q -> new ArrayList<>()).add(r.getString(1));
    }
    Map<String, float[]> matching = new HashMap<>();
    model.forEach((k, v) -> {
      if (sameFilter.test(k)) {
        matching.put(k, v);
      }
    });
    long found = 0;
    long wanted = 0;
    for (int q = 0; q < queries.size(); q++) {
      List<String> truth = BruteForceKnn.nearestKeys(Metric.L2, matching, queries.get(q), K, null);
      List<String> answer = byQuery.getOrDefault(q, List.of());
      assertThat(answer).as(where + ", query " + q + ": min(k, matching rows)").hasSize(truth.size());
      assertThat(matching.keySet()).as(where + ": only matching rows").containsAll(answer);
      found += answer.stream().filter(truth::contains).count();
      wanted += truth.size();
    }
    return (double) found / wanted;
  }

  @Test
  void aPrefixOnTheSpaceSideIsAFilteredProbe() {
    assertThat(joinAndCheck("key LIKE 'c7-%'", KeyFilter.prefix("c7-"), "filtered index walk"))
        .isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void aKeyRangeIsAFilteredProbe() {
    assertThat(joinAndCheck("key >= 'c5-' AND key < 'c7-'", KeyFilter.range("c5-", "c7-"), "filtered index walk"))
        .isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void allowedKeysFromASubqueryAreRankedExactly() {
    List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));
    List<Row> allowed = new ArrayList<>();
    List<String> allowedKeys = new ArrayList<>();
    for (int i = 3; i < keys.size(); i += 101) {
      allowed.add(RowFactory.create(keys.get(i), i % 2 == 0));
      if (i % 2 == 0) {
        allowedKeys.add(keys.get(i));
      }
    }
    spark.createDataFrame(allowed, new StructType().add("key", DataTypes.StringType).add("in_stock", DataTypes.BooleanType))
        .createOrReplaceTempView("nbf_products");
    assertThat(joinAndCheck("key IN (SELECT key FROM nbf_products WHERE in_stock)", KeyFilter.in(allowedKeys),
        "allowed keys fetched by key and ranked exactly")).isEqualTo(1.0);
  }

  @Test
  void aPredicateOnTheEmbeddingKeepsSparksPlan() {
    Dataset<Row> result = spark.sql(String.format(JOIN, "embedding[0] > 0"));
    assertThat(plan(result)).doesNotContain("EmbeddingHubNearestNeighbors");
  }
}
