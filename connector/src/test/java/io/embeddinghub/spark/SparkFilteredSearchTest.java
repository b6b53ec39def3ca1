package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.FilterStrategy;
import io.embeddinghub.IndexParams;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.KeyFilter;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Filtered nearest neighbors through {@link EmbeddingHubSpark#nearestNeighbors} on a space written
 * by DataFrame writes and indexed by a Spark build (several partitions, then an unindexed tail and
 * deleted rows), against brute force over the rows the filter passes: every query gets exactly
 * {@code min(k, matching rows)} answers, only rows the filter passes, exact for the allowed-key
 * strategy, recall@10 of 0.9 or more for the filtered walk, whose queries visit every search unit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.Tag("slow") // a Spark write, build and five batches of searches: about two minutes
class SparkFilteredSearchTest {
  private static final int DIMS = 8;
  private static final int K = 10;
  private final SparkSession spark = SharedSpark.session();
  private final Map<String, float[]> model = new HashMap<>();
  private final List<float[]> queries = new ArrayList<>();
  private EmbeddingHubSpark hub;
  private Dataset<Row> queryFrame;

  /** Row {@code i} of cluster {@code cluster}: the key names the cluster, so a prefix filter selects one. */
  private static String key(int cluster, int i) {
    return "c" + cluster + "-" + String.format("%05d", i);
  }

  private Dataset<Row> rows(Map<String, float[]> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach((k, v) -> out.add(RowFactory.create(k, SparkVectors.toList(v))));
    return spark.createDataFrame(out, new StructType().add("key", DataTypes.StringType)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType)));
  }

  private Dataset<Row> keyFrame(List<String> keys) {
    return spark.createDataFrame(keys.stream().map(RowFactory::create).collect(Collectors.toList()),
        new StructType().add("key", DataTypes.StringType));
  }

  @BeforeAll
  void writeAndIndex() {
    String root = SharedSpark.newHubRoot();
    // created with small partitions, so the Spark build splits the rows into several
    EmbeddingHub.open(root).createSpace(SpaceSpec.builder("items", DIMS)
        .indexParams(new IndexParams(16, 100, 32, 16 << 10, 0)).build());
    Random random = new Random(261);
    float[][] centres = new float[10][DIMS];
    for (float[] c : centres) {
      for (int d = 0; d < DIMS; d++) {
        c[d] = (float) random.nextGaussian() * 6;
      }
    }
    Map<String, float[]> first = new HashMap<>();
    Map<String, float[]> tail = new HashMap<>();
    for (int i = 0; i < 3_300; i++) {
      int cluster = random.nextInt(centres.length);
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = centres[cluster][d] + (float) random.nextGaussian();
      }
      (i < 3_000 ? first : tail).put(key(cluster, i), v);
    }
    rows(first).write().format("embeddinghub").option("path", root).option("space", "items").mode("append").save();
    hub = EmbeddingHubSpark.open(spark, root);
    hub.buildIndex("items");
    rows(tail).write().format("embeddinghub").option("path", root).option("space", "items").mode("append").save();
    Space space = EmbeddingHub.open(root).getSpace("items");
    List<String> deleted = new ArrayList<>();
    List<String> sorted = new ArrayList<>(first.keySet());
    sorted.addAll(tail.keySet());
    java.util.Collections.sort(sorted);
    for (int d = 0; d < sorted.size(); d += 31) {
      deleted.add(sorted.get(d));
    }
    space.multidelete(deleted);
    model.putAll(first);
    model.putAll(tail);
    deleted.forEach(model::remove);
    assertThat(space.indexPartitions().size()).as("several index partitions").isGreaterThan(2);
    assertThat(space.unindexedRows()).isPositive();
    List<Row> q = new ArrayList<>();
    for (int n = 0; n < 16; n++) { // queries near clusters 0 and 1 only
      float[] v = centres[n % 2].clone();
      for (int d = 0; d < DIMS; d++) {
        v[d] += (float) random.nextGaussian();
      }
      queries.add(v);
      q.add(RowFactory.create((long) n, SparkVectors.toList(v)));
    }
    queryFrame = spark.createDataFrame(q, new StructType().add("id", DataTypes.LongType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType)));
  }

  /** Searches with {@code filter}, checks every query's answer, returns the recall against brute force. */
  private double searchAndCheck(KeyFilter filter, FilterStrategy expected) {
    SearchOptions options = SearchOptions.DEFAULT.withFilter(filter);
    Dataset<Row> result = hub.nearestNeighbors("items", queryFrame, K, options);
    assertThat(result.queryExecution().executedPlan().toString()).as("the plan names the strategy")
        .contains("filter: " + expected);
    Map<Long, List<String>> answers = new HashMap<>();
    for (Row r : result.orderBy("query_id", "rank").collectAsList()) {
      answers.computeIfAbsent(r.getLong(0), x -> new ArrayList<>()).add(r.getString(2));
    }
    Map<String, float[]> matching = new HashMap<>();
    model.forEach((k, v) -> {
      if (filter.test(k)) {
        matching.put(k, v);
      }
    });
    long found = 0;
    long wanted = 0;
    for (int n = 0; n < queries.size(); n++) {
      List<String> truth = io.embeddinghub.testing.BruteForceKnn.nearestKeys(
          io.embeddinghub.Metric.L2, matching, queries.get(n), K, null);
      List<String> answer = answers.getOrDefault((long) n, List.of());
      assertThat(answer).as(filter + ", query " + n + ": min(k, matching rows)").hasSize(truth.size());
      assertThat(matching.keySet()).as(filter + ": only rows the filter passes").containsAll(answer);
      if (expected == FilterStrategy.ALLOWED_KEYS_EXACTLY) {
        assertThat(answer).as(filter + ": ranked exactly").isEqualTo(truth);
      }
      found += answer.stream().filter(truth::contains).count();
      wanted += truth.size();
    }
    return wanted == 0 ? 1.0 : (double) found / wanted;
  }

  @Test
  void aFilterOfAFarClusterStillAnswersWithKRows() {
    // the allowed rows lie in partitions the queries' own routing would not probe
    assertThat(searchAndCheck(KeyFilter.prefix("c7-"), FilterStrategy.FILTERED_WALK)).isGreaterThanOrEqualTo(0.9);
    assertThat(searchAndCheck(KeyFilter.range("c5-", "c7-"), FilterStrategy.FILTERED_WALK)).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void allowedKeysFromADataFrameAreRankedExactly() {
    List<String> allowed = new ArrayList<>();
    List<String> keys = new ArrayList<>(model.keySet());
    java.util.Collections.sort(keys);
    for (int i = 5; i < keys.size(); i += 97) {
      allowed.add(keys.get(i));
    }
    allowed.add("not-a-stored-key");
    KeyFilter filter = hub.allowedKeys(keyFrame(allowed));
    assertThat(searchAndCheck(filter, FilterStrategy.ALLOWED_KEYS_EXACTLY)).isEqualTo(1.0);
  }

  @Test
  void aLargeAllowedKeySetWalksTheIndex() {
    List<String> allowed = new ArrayList<>();
    List<String> keys = new ArrayList<>(model.keySet());
    java.util.Collections.sort(keys);
    for (int i = 0; i < keys.size(); i++) {
      if (i % 3 != 0) {
        allowed.add(keys.get(i));
      }
    }
    KeyFilter filter = hub.allowedKeys(keyFrame(allowed));
    assertThat(searchAndCheck(filter, FilterStrategy.FILTERED_WALK)).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void oneKeyAndNoKey() {
    String one = new java.util.TreeSet<>(model.keySet()).first();
    assertThat(searchAndCheck(KeyFilter.equalTo(one), FilterStrategy.ALLOWED_KEYS_EXACTLY)).isEqualTo(1.0);
    assertThat(searchAndCheck(KeyFilter.atLeast("z-"), FilterStrategy.FILTERED_WALK)).isEqualTo(1.0);
  }

  @Test
  void allowedKeysNeedAKeyColumn() {
    assertThatThrownBy(() -> hub.allowedKeys(queryFrame)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'key'").hasMessageContaining("[id, vector]");
  }
}
