package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Spark multiget / multidelete of a small key set (served on the driver by point reads, no
 * shuffle) and of a large one (bucket-wise tasks, only the keys shuffled), both against a HashMap
 * model over a space with several files per bucket, overwrites and deletes; the data files stay
 * readable, with key filters, by Spark's own Parquet reader.
 */
class SparkPointLookupTest {
  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> keys(List<String> keys) {
    List<Row> rows = new ArrayList<>();
    keys.forEach(k -> rows.add(RowFactory.create(k)));
    return spark.createDataFrame(rows, new StructType().add("key", DataTypes.StringType));
  }

  /** {@code body} with {@code embeddinghub.read.point-lookup.max-keys} set in the session. */
  private <T> T withMaxKeys(int maxKeys, Supplier<T> body) {
    spark.conf().set(HubProperties.POINT_LOOKUP_MAX_KEYS, Integer.toString(maxKeys));
    try {
      return body.get();
    } finally {
      spark.conf().unset(HubProperties.POINT_LOOKUP_MAX_KEYS);
    }
  }

  @Tag("slow") // a model over many key sets
  @Test
  void smallAndLargeKeySetsAnswerAsTheModel() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("p", 3).buckets(4).build());
    Random random = new Random(9);
    Map<String, float[]> model = new HashMap<>();
    for (int round = 0; round < 4; round++) { // several files per bucket, with overwrites
      Map<String, float[]> batch = SparkDataFrameTest.randomRows(random, "k", 300, 3);
      Map<String, float[]> shifted = new HashMap<>();
      String suffix = "-" + (round % 2);
      batch.forEach((k, v) -> shifted.put(k + suffix, v));
      space.multiset(shifted);
      model.putAll(shifted);
    }
    List<String> gone = new ArrayList<>();
    for (int i = 0; i < 120; i += 3) {
      gone.add("k" + i + "-0");
    }
    space.multidelete(gone);
    gone.forEach(model::remove);

    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      wanted.add("k" + random.nextInt(320) + "-" + random.nextInt(3)); // some absent, some deleted, repeats
    }
    long present = wanted.stream().filter(model::containsKey).count();

    EmbeddingHubSpark small = EmbeddingHubSpark.open(spark, root);
    Dataset<Row> viaDriver = small.multiget("p", keys(wanted));
    String driverPlan = viaDriver.queryExecution().executedPlan().toString();
    assertThat(driverPlan).contains("LocalTableScan").doesNotContain("Exchange");
    assertAnswers(viaDriver.collectAsList(), wanted, model, present);
    List<Row> withNulls = small.multiget("p", keys(wanted), MissingKeys.NULL).collectAsList();
    assertThat(withNulls).hasSize(wanted.size());
    assertThat(withNulls.stream().filter(r -> r.isNullAt(1)).count()).isEqualTo(wanted.size() - present);
    assertThatThrownBy(() -> small.multiget("p", keys(List.of("k1-1", "nope")), MissingKeys.FAIL))
        .hasMessageContaining("Key 'nope' not found in space 'p'");

    Dataset<Row> viaTasks = withMaxKeys(100, () -> EmbeddingHubSpark.open(spark, root).multiget("p", keys(wanted)));
    String taskPlan = viaTasks.queryExecution().executedPlan().toString();
    assertThat(taskPlan).doesNotContain("BatchScan").doesNotContain("EmbeddingHubScan"); // the space is not a relation
    // the keys' shuffle to their buckets' tasks (an RDD shuffle the SQL plan does not show on Spark 4.0)
    assertThat(taskPlan.split("Exchange", -1).length - 1).as("shuffles in %s", taskPlan)
        .isEqualTo(SparkRouting.exchangesPerRouting());
    assertAnswers(viaTasks.collectAsList(), wanted, model, present);

    // deletes: a few keys on the driver, many in tasks
    List<String> fewGone = List.of("k5-1", "k7-1", "k7-1", "nope");
    long expected = fewGone.stream().distinct().filter(model::containsKey).count();
    assertThat(small.multidelete("p", keys(fewGone))).isEqualTo(expected);
    fewGone.forEach(model::remove);
    List<String> manyGone = new ArrayList<>();
    for (int i = 200; i < 300; i++) {
      manyGone.add("k" + i + "-1");
    }
    long expectedMany = manyGone.stream().filter(model::containsKey).count();
    assertThat(withMaxKeys(10, () -> EmbeddingHubSpark.open(spark, root).multidelete("p", keys(manyGone))))
        .isEqualTo(expectedMany);
    manyGone.forEach(model::remove);
    long nowPresent = wanted.stream().filter(model::containsKey).count();
    assertAnswers(EmbeddingHubSpark.open(spark, root).multiget("p", keys(wanted)).collectAsList(), wanted, model, nowPresent);
    assertThat(EmbeddingHub.open(root).getSpace("p").size()).isEqualTo(model.size());
  }

  /**
   * SQL's {@code multiget} reads only its keys' buckets: every other bucket's data files are
   * deleted first, so a scan of the space fails while the lookup, on the driver and in tasks,
   * answers as the model.
   */
  @Test
  void sqlMultigetReadsOnlyItsKeysBuckets() throws Exception {
    String root = SharedSpark.catalogRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("mgfew", 2).buckets(16).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(21), "k", 400, 2);
    space.multiset(model);
    List<String> wanted = List.of("k10", "k20", "k30", "k20", "absent");
    java.util.Set<Integer> needed = new java.util.HashSet<>();
    wanted.forEach(k -> needed.add(io.embeddinghub.engine.EngineKeys.bucketOf(k, 16)));
    int deleted = 0;
    java.nio.file.Path data = java.nio.file.Path.of(java.net.URI.create(root + "mgfew/data"));
    try (java.util.stream.Stream<java.nio.file.Path> dirs = java.nio.file.Files.list(data)) {
      for (java.nio.file.Path dir : dirs.toList()) {
        int bucket = Integer.parseInt(dir.getFileName().toString().substring("bucket=".length()));
        if (!needed.contains(bucket)) {
          try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
              java.nio.file.Files.delete(f);
              deleted++;
            }
          }
        }
      }
    }
    assertThat(deleted).as("data files deleted").isPositive();
    Map<String, float[]> expected = new HashMap<>();
    wanted.stream().filter(model::containsKey).forEach(k -> expected.put(k, model.get(k)));
    String array = "ARRAY('k10', 'k20', 'k30', 'k20', 'absent')";

    Dataset<Row> onDriver = spark.sql("SELECT * FROM multiget('hub.mgfew', " + array + ")");
    assertThat(onDriver.queryExecution().executedPlan().toString()).contains("LocalTableScan")
        .doesNotContain("BatchScan").doesNotContain("EmbeddingHubScan");
    assertThat(onDriver.collectAsList()).hasSize(expected.size());
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(onDriver), expected);

    Dataset<Row> inTasks = withMaxKeys(1, () -> spark.sql("SELECT * FROM multiget('hub.mgfew', " + array + ")"));
    String taskPlan = inTasks.queryExecution().executedPlan().toString();
    assertThat(taskPlan).doesNotContain("BatchScan").doesNotContain("EmbeddingHubScan")
        .contains("EmbeddingHubLookup(mgfew@v1"); // one task per bucket of keys
    assertThat(inTasks.collectAsList()).hasSize(expected.size());
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(inTasks), expected);

    // the oracle is sharp: reading the space whole needs the deleted files
    assertThatThrownBy(() -> spark.sql("SELECT key, embedding FROM hub.mgfew").collectAsList()).isNotNull();
  }

  private static void assertAnswers(List<Row> rows, List<String> wanted, Map<String, float[]> model, long present) {
    assertThat(rows).hasSize((int) present); // a key asked twice comes back twice
    Map<String, Integer> asked = new HashMap<>();
    wanted.stream().filter(model::containsKey).forEach(k -> asked.merge(k, 1, Integer::sum));
    Map<String, Integer> got = new HashMap<>();
    for (Row r : rows) {
      got.merge(r.getString(0), 1, Integer::sum);
      List<Float> v = r.getList(1);
      float[] expected = model.get(r.getString(0));
      assertThat(v).hasSize(expected.length);
      for (int d = 0; d < expected.length; d++) {
        assertThat(v.get(d)).isEqualTo(expected[d]);
      }
    }
    assertThat(got).isEqualTo(asked);
  }

  @Test
  void dataFilesStayPlainParquetForSparksReaderWithKeyFilters() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("plain", 3).buckets(2).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(4), "r", 5000, 3);
    space.multiset(model);
    Dataset<Row> files = spark.read().parquet(root + "plain/data");
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(files.select("key", "embedding")), model);
    for (String key : List.of("r17", "r4242", "absent")) {
      Map<String, float[]> one = new HashMap<>();
      if (model.containsKey(key)) {
        one.put(key, model.get(key));
      }
      SparkDataFrameTest.assertSameContents(
          SparkDataFrameTest.collect(files.where(files.col("key").equalTo(key)).select("key", "embedding")), one);
    }
  }
}
