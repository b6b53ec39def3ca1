package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@code k = 2147483647} on every Spark nearest-neighbor path: nothing is sized by k, and each
 * query gets every live row (min(k, n)), in brute force's order.
 */
@Tag("slow") // k larger than the space on every path; the store keeps a quick case
class SparkLargeKTest {
  private static final int K = Integer.MAX_VALUE;

  private final SparkSession spark = SharedSpark.session();
  private final EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());

  /** A space with an index build, an unindexed tail and deleted rows; returns its live rows. */
  private Map<String, float[]> space(String name) {
    Space space = hub.createSpace(SpaceSpec.builder(name, 3).buckets(2).build());
    Random random = new Random(name.hashCode());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(random, "k", 200, 3);
    space.multiset(model);
    space.buildIndex();
    Map<String, float[]> tail = SparkDataFrameTest.randomRows(random, "t", 20, 3);
    space.multiset(tail);
    model.putAll(tail);
    space.multidelete(List.of("k1", "t1"));
    model.remove("k1");
    model.remove("t1");
    return model;
  }

  @Test
  void tableFunctionReturnsEveryRow() {
    Map<String, float[]> model = space("lk_tf");
    float[] q = {0.1f, 0.2f, 0.3f};
    List<Row> rows =
        spark.sql("SELECT rank, key FROM nearest_neighbors('hub.lk_tf', ARRAY(0.1, 0.2, 0.3), 2147483647)").collectAsList();
    assertThat(rows.stream().map(r -> r.getString(1)).collect(Collectors.toList()))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, q, K, null));
    assertThat(rows.get(rows.size() - 1).getInt(0)).isEqualTo(model.size());
    assertThat(spark.sql("SELECT key FROM nearest_neighbors('hub.lk_tf', 'k2', 2147483647)").count())
        .isEqualTo(model.size() - 1);
  }

  @Test
  void distributedNearestNeighborsReturnEveryRow() {
    Map<String, float[]> model = space("lk_dist");
    float[] q = {0.1f, 0.2f, 0.3f};
    Dataset<Row> queries = spark.createDataFrame(
        List.of(RowFactory.create(1L, SparkVectors.toList(q))),
        new StructType().add("id", DataTypes.LongType).add("vector", DataTypes.createArrayType(DataTypes.FloatType)));
    List<Row> rows = EmbeddingHubSpark.open(spark, SharedSpark.catalogRoot())
        .nearestNeighbors("lk_dist", queries, K).orderBy("rank").collectAsList();
    assertThat(rows.stream().map(r -> r.getString(2)).collect(Collectors.toList()))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, q, K, null));
  }

  /**
   * Spark's parser bounds a join's k (1..100000), so 2147483647 is refused with Spark's own error
   * before anything runs; the largest k it accepts returns every row.
   */
  @Test
  @EnabledIf("io.embeddinghub.spark.SparkLine#nearestBy") // Spark 4.2's NEAREST BY join
  void approxNearestJoinReturnsEveryRow() {
    Map<String, float[]> model = space("lk_join");
    float[] q = {0.1f, 0.2f, 0.3f};
    spark.createDataFrame(
            List.of(RowFactory.create(1, SparkVectors.toList(q))),
            new StructType().add("id", DataTypes.IntegerType).add("v", DataTypes.createArrayType(DataTypes.FloatType)))
        .createOrReplaceTempView("lk_q");
    String join = "SELECT q.id, s.key FROM lk_q q JOIN hub.lk_join s APPROX NEAREST %d BY DISTANCE "
        + "vector_l2_distance(q.v, s.embedding)";
    assertThatThrownBy(() -> spark.sql(String.format(join, K)))
        .hasMessageContaining("NUM_RESULTS_OUT_OF_RANGE");
    Dataset<Row> probe = spark.sql(String.format(join, 100_000));
    assertThat(probe.queryExecution().executedPlan().toString()).contains("EmbeddingHubNearestNeighbors(lk_join@");
    List<Row> rows = probe.collectAsList();
    List<String> keys = new ArrayList<>();
    rows.forEach(r -> keys.add(r.getString(1)));
    assertThat(keys).containsExactlyInAnyOrderElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, q, K, null));
  }
}
