package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.EngineKeys;
import io.embeddinghub.testing.BruteForceKnn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Distributed multiget / multiset / multidelete / kNN against the embedded API and brute force. */
class SparkDistributedOpsTest {
  private final SparkSession spark = SharedSpark.session();

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

  static Map<String, float[]> clustered(Random random, int n, int dims) {
    float[][] centers = new float[12][dims];
    for (float[] c : centers) {
      for (int i = 0; i < dims; i++) {
        c[i] = (float) random.nextGaussian() * 4;
      }
    }
    Map<String, float[]> rows = new HashMap<>();
    for (int j = 0; j < n; j++) {
      float[] c = centers[random.nextInt(centers.length)];
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = c[i] + (float) random.nextGaussian();
      }
      rows.put("k" + j, v);
    }
    return rows;
  }

  private static Map<Object, List<String>> answers(Dataset<Row> result) {
    Map<Object, List<Row>> byQuery = new HashMap<>();
    for (Row r : result.collectAsList()) {
      byQuery.computeIfAbsent(r.get(0), q -> new ArrayList<>()).add(r);
    }
    Map<Object, List<String>> out = new HashMap<>();
    byQuery.forEach((q, rows) -> {
      rows.sort(Comparator.comparingInt(r -> r.getInt(1)));
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).getInt(1)).as("ranks of query %s", q).isEqualTo(i + 1);
      }
      out.put(q, rows.stream().map(r -> r.getString(2)).collect(Collectors.toList()));
    });
    return out;
  }

  @Test
  void multigetReturnsStoredVectorsAndHandlesMissingKeysAsAsked() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("m", 3).buckets(8).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(1), "k", 500, 3);
    space.multiset(model);
    space.multidelete(List.of("k1", "k2"));
    model.remove("k1");
    model.remove("k2");
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      wanted.add("k" + i);
    }
    wanted.add("absent");
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Dataset<Row> dropped = hub.multiget("m", keys(wanted));
    Map<String, float[]> expected = new HashMap<>();
    wanted.stream().filter(model::containsKey).forEach(k -> expected.put(k, model.get(k)));
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(dropped), expected);
    String plan = dropped.queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContain("EmbeddingHubScan").doesNotContain("BatchScan"); // the space is never a shuffled relation

    List<Row> withNulls = hub.multiget("m", keys(wanted), MissingKeys.NULL).collectAsList();
    assertThat(withNulls).hasSize(101);
    assertThat(withNulls.stream().filter(r -> r.isNullAt(1)).map(r -> r.getString(0)).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("k1", "k2", "absent");
    List<String> onlyAbsentMissing = new ArrayList<>(wanted);
    onlyAbsentMissing.removeAll(List.of("k1", "k2"));
    assertThatThrownBy(() -> hub.multiget("m", keys(onlyAbsentMissing), MissingKeys.FAIL).collectAsList())
        .hasStackTraceContaining("Key 'absent' not found in space 'm'");
    assertThat(hub.multiget("m", keys(List.of("k3", "k4")), MissingKeys.FAIL).count()).isEqualTo(2);
  }

  @Test
  void aFewKeysTouchOnlyTheirBuckets() throws Exception {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("few", 2).buckets(16).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(2), "k", 400, 2);
    space.multiset(model);
    List<String> three = List.of("k10", "k20", "k30");
    Set<Integer> needed = three.stream().map(k -> EngineKeys.bucketOf(k, 16)).collect(Collectors.toSet());
    // the oracle: delete every other bucket's files; a multiget that touched them would fail
    Path data = Path.of(URI.create(root + "few/data"));
    try (Stream<Path> dirs = Files.list(data)) {
      for (Path dir : dirs.collect(Collectors.toList())) {
        int bucket = Integer.parseInt(dir.getFileName().toString().substring("bucket=".length()));
        if (!needed.contains(bucket)) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.collect(Collectors.toList())) {
              Files.delete(f);
            }
          }
        }
      }
    }
    Map<String, float[]> expected = new HashMap<>();
    three.forEach(k -> expected.put(k, model.get(k)));
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(EmbeddingHubSpark.open(spark, root).multiget("few", keys(three))), expected);
  }

  @Tag("slow") // three rounds of Spark writes
  @Test
  void multisetAndMultideleteEqualTheEmbeddedApi() {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub embedded = EmbeddingHub.open(root);
    Space reference = embedded.createSpace(SpaceSpec.builder("ref", 3).buckets(4).build());
    embedded.createSpace(SpaceSpec.builder("viaSpark", 3).buckets(4).build());
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Random random = new Random(3);
    for (int round = 0; round < 3; round++) {
      Map<String, float[]> batch = SparkDataFrameTest.randomRows(random, "k", 60, 3);
      reference.multiset(batch);
      long version = hub.multiset("viaSpark", SparkDataFrameTest.frame(spark, batch));
      assertThat(version).isEqualTo(round * 2L + 1);
      List<String> gone = List.of("k" + round, "k" + (round + 10), "nope");
      long expectedDeleted = reference.multidelete(gone);
      assertThat(hub.multidelete("viaSpark", keys(gone))).isEqualTo(expectedDeleted);
    }
    Map<String, float[]> expected = new HashMap<>();
    reference.entries().forEachRemaining(e -> expected.put(e.getKey(), e.getValue()));
    Map<String, float[]> actual = new HashMap<>();
    embedded.getSpace("viaSpark").entries().forEachRemaining(e -> actual.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(actual, expected);
  }

  /** Upserts {@code k0..k7} into the space once, from inside the first task that calls it. */
  private static final class UpsertOnce implements UDF1<String, String> {
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private final String root;

    UpsertOnce(String root) {
      this.root = root;
    }

    @Override
    public String call(String key) {
      if (DONE.compareAndSet(false, true)) {
        Map<String, float[]> concurrent = new HashMap<>();
        for (int i = 0; i < 8; i++) {
          concurrent.put("k" + i, new float[] {-1, -1, i});
        }
        EmbeddingHub.open(root).getSpace("race").multiset(concurrent);
      }
      return key;
    }
  }

  @Tag("slow")
  @Test
  void aMultideleteRacingAConcurrentUpsertFindsItsRowsAgain() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("race", 3).buckets(4).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(5), "k", 100, 3);
    space.multiset(model);
    List<String> gone = new ArrayList<>();
    for (int i = 0; i < 40; i += 2) {
      gone.add("k" + i);
    }
    gone.add("k4"); // twice: deleted once
    // the first pass over the keys upserts k0..k7 (every bucket's files change) after the delete
    // pinned its version; the delete commits after that upsert, so it must delete the new rows too
    Dataset<Row> racing = keys(gone).select(functions.udf(new UpsertOnce(root), DataTypes.StringType).apply(functions.col("key")).as("key"));
    long versionBefore = space.version();
    // the bucket-wise job (a few keys would be collected first, before the version is pinned)
    spark.conf().set(io.embeddinghub.HubProperties.POINT_LOOKUP_MAX_KEYS, "0");
    try {
      assertThat(EmbeddingHubSpark.open(spark, root).multidelete("race", racing)).isEqualTo(20);
    } finally {
      spark.conf().unset(io.embeddinghub.HubProperties.POINT_LOOKUP_MAX_KEYS);
    }
    for (int i = 0; i < 8; i++) {
      model.put("k" + i, new float[] {-1, -1, i});
    }
    gone.forEach(model::remove);
    Space after = EmbeddingHub.open(root).getSpace("race");
    assertThat(after.version()).isEqualTo(versionBefore + 2); // the upsert, then one delete
    Map<String, float[]> actual = new HashMap<>();
    after.entries().forEachRemaining(e -> actual.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(actual, model);

    assertThatThrownBy(() -> EmbeddingHubSpark.open(spark, root).multidelete("race", keys(Arrays.asList("k1", null))))
        .hasStackTraceContaining("Key must not be null");
    assertThat(EmbeddingHub.open(root).getSpace("race").size()).isEqualTo(model.size());
  }

  @Tag("slow") // brute force over several query sets
  @Test
  void nearestNeighborsByVectorAndByKeyMatchBruteForce() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("nn", 8).buckets(4).build());
    Random random = new Random(4);
    Map<String, float[]> model = clustered(random, 1500, 8);
    space.multiset(model);
    // upserts and deletes after the first write: stale rows must never come back
    Map<String, float[]> moved = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      moved.put("k" + i, new float[] {50, 50, 50, 50, 50, 50, 50, i});
    }
    space.multiset(moved);
    model.putAll(moved);
    List<String> deleted = new ArrayList<>();
    for (int i = 100; i < 300; i++) {
      deleted.add("k" + i);
    }
    space.multidelete(deleted);
    deleted.forEach(model::remove);

    List<String> keys = new ArrayList<>(model.keySet());
    List<float[]> queries = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      float[] q = model.get(keys.get(random.nextInt(keys.size()))).clone();
      q[0] += 0.1f;
      queries.add(q);
    }
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Map<Object, List<String>> exact = answers(hub.nearestNeighbors("nn", vectorQueries(queries), 10, SearchOptions.exactSearch()));
    Map<Object, List<String>> approx = answers(hub.nearestNeighbors("nn", vectorQueries(queries), 10));
    double hits = 0;
    for (int i = 0; i < queries.size(); i++) {
      List<String> truth = BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 10, null);
      assertThat(exact.get((long) i)).as("exact query %d", i).containsExactlyElementsOf(truth);
      assertThat(approx.get((long) i)).hasSize(10).allMatch(model::containsKey);
      hits += approx.get((long) i).stream().filter(truth::contains).count();
    }
    assertThat(hits / (queries.size() * 10)).as("recall@10").isGreaterThanOrEqualTo(0.95);

    List<Row> byKeyRows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byKeyRows.add(RowFactory.create("q" + i, keys.get(i * 7)));
    }
    Dataset<Row> byKey = spark.createDataFrame(byKeyRows, new StructType().add("id", DataTypes.StringType).add("key", DataTypes.StringType));
    Map<Object, List<String>> byKeyExact = answers(hub.nearestNeighbors("nn", byKey, 5, SearchOptions.exactSearch()));
    for (int i = 0; i < 20; i++) {
      String key = keys.get(i * 7);
      assertThat(byKeyExact.get("q" + i)).as(key).containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, model.get(key), 5, key));
    }
  }

  @Tag("slow")
  @Test
  void queriesSplitIntoPartitionsMatchBruteForceWithOneBucketPerTask() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("split", 4).buckets(4).build());
    Random random = new Random(9);
    Map<String, float[]> model = clustered(random, 400, 4);
    space.multiset(model);
    List<float[]> queries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      queries.add(model.get("k" + random.nextInt(400)).clone());
    }
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    DistributedSearchOptions exact = DistributedSearchOptions.of(SearchOptions.exactSearch()).withQueryPartitions(3);
    Map<Object, List<String>> answers = answers(hub.nearestNeighbors("split", vectorQueries(queries), 7, exact));
    for (int i = 0; i < queries.size(); i++) {
      assertThat(answers.get((long) i)).as("query %d", i).containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 7, null));
    }

    // the search tasks: 4 buckets x 3 query partitions, each task one bucket, each query once per bucket
    Dataset<Row> prepared = vectorQueries(queries).withColumn("exclude", functions.lit(null).cast(DataTypes.StringType));
    List<Row> tasks =
        BucketRouting.fanOut(prepared, "id", new HubRef(root, spark.sessionState().newHadoopConf()).engine().space("split").latest(),
                SearchOptions.exactSearch(), 4, 3)
            .groupBy(functions.spark_partition_id().as("task"))
            .agg(functions.countDistinct(functions.col(BucketRouting.BUCKET)), functions.count("id"))
            .collectAsList();
    assertThat(tasks).hasSize(12).allSatisfy(task -> assertThat(task.getLong(1)).as("buckets of task %s", task).isEqualTo(1));
    assertThat(tasks.stream().mapToLong(task -> task.getLong(2)).sum()).isEqualTo(50 * 4);

    // multiget: with 2 buckets each bucket's keys still get a task of their own
    List<Row> lookupTasks =
        BucketRouting.byKeyBucket(keys(List.of("a", "b", "c", "d", "e", "f", "g", "h")), 2)
            .groupBy(functions.spark_partition_id().as("task"))
            .agg(functions.countDistinct(functions.col(BucketRouting.BUCKET)))
            .collectAsList();
    assertThat(lookupTasks).hasSize(2).allSatisfy(task -> assertThat(task.getLong(1)).isEqualTo(1));

    assertThatThrownBy(() -> DistributedSearchOptions.DEFAULT.withQueryPartitions(-1)).hasMessageContaining("-1");
  }

  @Tag("slow") // a matrix of edge cases, each a Spark job
  @Test
  void edgeCases() {
    String root = SharedSpark.newHubRoot();
    Space tiny = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("tiny", 2).buckets(3).build());
    tiny.multiset(Map.of("a", new float[] {0, 0}, "b", new float[] {1, 0}, "c", new float[] {0, 2}, "d", new float[] {3, 3}, "e", new float[] {-1, 0}));
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    List<float[]> qs = List.of(new float[] {0, 0}, new float[] {5, 5});
    Dataset<Row> result = hub.nearestNeighbors("tiny", vectorQueries(qs), 10);
    assertThat(answers(result).get(0L)).containsExactly("a", "b", "e", "c", "d");
    assertThat(result.count()).isEqualTo(10); // k larger than the space: min(k, n) per query
    assertThat(hub.nearestNeighbors("tiny", vectorQueries(List.of()), 3).count()).isZero();
    assertThatThrownBy(() -> hub.nearestNeighbors("tiny", vectorQueries(List.of(new float[] {1, 2, 3})), 3).collectAsList())
        .hasStackTraceContaining("3 dimensions; the space has 2");
    assertThatThrownBy(() -> hub.nearestNeighbors("tiny", keys(List.of("a")), 3))
        .hasMessageContaining("'id'");
    assertThatThrownBy(() -> hub.nearestNeighbors("nope", vectorQueries(qs), 3)).hasMessageContaining("'nope'");
  }
}
