package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexParams;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.IndexResult;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embeddinghub.testing.BruteForceKnn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * Index builds as Spark jobs (one task per partition) and distributed kNN routed to the probed
 * partitions: against the embedded API (same probes, so the same answers) and brute force.
 */
class SparkIndexTest {
  private static final int DIMS = 16;
  /** 2,000 16-d rows are 125 KB of vectors: 32 KB partitions split them in 4. */
  private static final IndexParams SMALL_PARTITIONS = IndexParams.DEFAULT.withPartitionBytes(32 * 1024);

  private final SparkSession spark = SharedSpark.session();

  @Tag("slow")
  @Test
  void aSparkBuildIndexesTheTailAndRoutedQueriesMatchTheEmbeddedApi() {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).indexParams(SMALL_PARTITIONS).build());
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(new Random(1), 2000, DIMS);
    space.multiset(model);
    EmbeddingHubSpark sparkHub = EmbeddingHubSpark.open(spark, root);

    IndexResult result = sparkHub.buildIndex("s");
    assertThat(result.partitionsAdded()).isEqualTo(4);
    assertThat(result.rowsIndexed()).isEqualTo(2000);
    List<IndexPartitionInfo> partitions = space.indexPartitions();
    assertThat(partitions).hasSize(4).allMatch(IndexPartitionInfo::routed);
    assertThat(partitions.stream().mapToLong(IndexPartitionInfo::rows).sum()).isEqualTo(2000);
    assertThat(sparkHub.buildIndex("s").partitionsAdded()).as("nothing left to index").isZero();

    // a tail written after the build, and deletions inside partitions
    Map<String, float[]> tail = SparkDistributedOpsTest.clustered(new Random(2), 150, DIMS);
    tail.forEach((k, v) -> model.put("t" + k, v));
    Map<String, float[]> renamed = new HashMap<>();
    tail.forEach((k, v) -> renamed.put("t" + k, v));
    space.multiset(renamed);
    List<String> deleted = new ArrayList<>(model.keySet()).subList(0, 300);
    space.multidelete(new ArrayList<>(deleted));
    new ArrayList<>(deleted).forEach(model::remove);

    Random random = new Random(3);
    List<float[]> queries = new ArrayList<>();
    List<String> keys = new ArrayList<>(model.keySet());
    for (int q = 0; q < 40; q++) {
      float[] v = model.get(keys.get(random.nextInt(keys.size()))).clone();
      v[0] += 0.1f;
      queries.add(v);
    }
    for (SearchOptions options : List.of(SearchOptions.DEFAULT, SearchOptions.withEf(32).withNprobe(1))) {
      Map<Long, List<String>> distributed = answers(sparkHub.nearestNeighbors("s", queries(queries), 10, options));
      double hits = 0;
      for (int q = 0; q < queries.size(); q++) {
        List<String> embedded = space.nearestNeighbors(10, queries.get(q), options).stream().map(Neighbor::key).toList();
        assertThat(distributed.get((long) q)).as("query %d, %s: same probes, same answer", q, options).isEqualTo(embedded);
        Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(q), 10, null));
        hits += embedded.stream().filter(truth::contains).count();
      }
      if (options == SearchOptions.DEFAULT) {
        assertThat(hits / (10.0 * queries.size())).as("recall@10 at default nprobe").isGreaterThanOrEqualTo(0.95);
      }
    }
    Map<Long, List<String>> exact = answers(sparkHub.nearestNeighbors("s", queries(queries), 10, SearchOptions.exactSearch()));
    for (int q = 0; q < queries.size(); q++) {
      assertThat(exact.get((long) q)).isEqualTo(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(q), 10, null));
    }
  }

  @Tag("slow") // a split build on both runners
  @Test
  void aSparkSplitBuildShufflesRowsToTheSamePartitionsAsAnEmbeddedBuild() {
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(new Random(7), 2000, DIMS);
    List<Long> rowsPerPartition = new ArrayList<>();
    for (boolean onSpark : List.of(false, true)) {
      String root = SharedSpark.newHubRoot();
      Space space = EmbeddingHub.open(root)
          .createSpace(SpaceSpec.builder("s", DIMS).buckets(4).indexParams(SMALL_PARTITIONS).build());
      space.multiset(model);
      if (onSpark) {
        EmbeddingHubSpark.open(spark, root).buildIndex("s");
      } else {
        space.buildIndex();
      }
      List<IndexPartitionInfo> partitions = EmbeddingHub.open(root).getSpace("s").indexPartitions();
      List<Long> rows = partitions.stream().map(IndexPartitionInfo::rows).sorted().toList();
      assertThat(rows.stream().mapToLong(Long::longValue).sum()).isEqualTo(2000);
      if (onSpark) {
        assertThat(rows).as("same plan (centroids from the same sample), same rows per partition").isEqualTo(rowsPerPartition);
      } else {
        rowsPerPartition.addAll(rows);
      }
      Space reopened = EmbeddingHub.open(root).getSpace("s");
      assertThat(loggedPartitions(root, "s"))
          .as("every partition's log entry (docs/FORMAT.md: indexAdd) has the build's routing recall per nprobe")
          .hasSize(partitions.size())
          .allSatisfy(p -> assertThat(p.get("recallAtNprobe")).isNotNull().hasSize(partitions.size()));
      double hits = 0;
      List<String> keys = new ArrayList<>(model.keySet());
      for (int q = 0; q < 20; q++) {
        float[] query = model.get(keys.get(q * 37));
        Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
        hits += reopened.nearestNeighbors(10, query).stream().map(Neighbor::key).filter(truth::contains).count();
      }
      assertThat(hits / 200).as("recall@10, built on Spark: %s", onSpark).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void theCatalogServesBuildIndexAsAProcedure() {
    String space = "proc_" + System.nanoTime();
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space s = hub.createSpace(space, DIMS);
    s.multiset(SparkDistributedOpsTest.clustered(new Random(4), 500, DIMS));
    assertThat(s.indexPartitions()).isEmpty();
    List<Row> out = spark.sql("CALL hub.system.build_index('" + space + "')").collectAsList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getLong(0)).isEqualTo(s.version());
    assertThat(out.get(0).getInt(1)).isEqualTo(1);
    assertThat(out.get(0).getLong(2)).isEqualTo(500);
    assertThat(s.indexPartitions()).hasSize(1);
    assertThat(s.unindexedRows()).isZero();
  }

  @Tag("slow") // a split build and recall
  @Test
  @EnabledIf("io.embeddinghub.spark.SparkLine#nearestBy") // Spark 4.2's NEAREST BY join
  void aNearestByJoinOnAnIndexedSpaceProbesItsPartitionsAtATargetRecall() {
    String name = "nbi_" + System.nanoTime();
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = hub.createSpace(SpaceSpec.builder(name, DIMS).indexParams(SMALL_PARTITIONS).build());
    Map<String, float[]> model = SparkDistributedOpsTest.clustered(new Random(5), 2000, DIMS);
    space.multiset(model);
    space.buildIndex();
    List<Row> rows = new ArrayList<>();
    Random random = new Random(6);
    List<String> keys = new ArrayList<>(model.keySet());
    List<float[]> queries = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float[] q = model.get(keys.get(random.nextInt(keys.size()))).clone();
      q[1] += 0.2f;
      queries.add(q);
      rows.add(RowFactory.create(i, SparkVectors.toList(q)));
    }
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("v", DataTypes.createArrayType(DataTypes.FloatType)))
        .createOrReplaceTempView("nbi_q");
    Dataset<Row> joined = spark.sql("SELECT q.id, s.key FROM nbi_q q JOIN hub." + name
        + " WITH ('targetRecall' = '0.95') s APPROX NEAREST 10 BY DISTANCE vector_l2_distance(q.v, s.embedding)");
    String plan = joined.queryExecution().executedPlan().toString();
    assertThat(plan).contains("targetRecall=0.95").contains("estimated recall@10=");
    Map<Integer, List<String>> byQuery = new HashMap<>();
    for (Row r : joined.collectAsList()) {
      byQuery.computeIfAbsent(r.getInt(0), q -> new ArrayList<>()).add(r.getString(1));
    }
    double hits = 0;
    for (int i = 0; i < queries.size(); i++) {
      assertThat(byQuery.get(i)).hasSize(10);
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, queries.get(i), 10, null));
      hits += byQuery.get(i).stream().filter(truth::contains).count();
    }
    assertThat(hits / (10.0 * queries.size())).isGreaterThanOrEqualTo(0.93);
  }

  private Dataset<Row> queries(List<float[]> vectors) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      rows.add(RowFactory.create((long) i, SparkVectors.toList(vectors.get(i))));
    }
    return spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.LongType).add("vector", DataTypes.createArrayType(DataTypes.FloatType)));
  }

  /**
   * The live index partitions' entries as the log's JSON records them (docs/FORMAT.md), replayed
   * with Jackson from every version's {@code indexAdd} and {@code indexRemove}: an oracle
   * independent of the store's log reader.
   */
  static List<JsonNode> loggedPartitions(String hubRoot, String space) {
    Map<String, JsonNode> live = new java.util.LinkedHashMap<>();
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(java.net.URI.create(hubRoot)).resolve(space).resolve("_log"))) {
      for (Path entry : files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList()) {
        JsonNode root = new ObjectMapper().readTree(entry.toFile());
        root.path("indexRemove").forEach(r -> live.remove(r.isTextual() ? r.asText() : r.path("path").asText()));
        root.path("indexAdd").forEach(a -> live.put(a.path("path").asText(), a));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new ArrayList<>(live.values());
  }

  private static Map<Long, List<String>> answers(Dataset<Row> result) {
    Map<Long, List<Row>> byQuery = new HashMap<>();
    for (Row r : result.collectAsList()) {
      byQuery.computeIfAbsent(r.getLong(0), q -> new ArrayList<>()).add(r);
    }
    Map<Long, List<String>> out = new HashMap<>();
    byQuery.forEach((q, rows) -> {
      rows.sort(Comparator.comparingInt(r -> r.getInt(1)));
      out.put(q, rows.stream().map(r -> r.getString(2)).collect(Collectors.toList()));
    });
    return out;
  }

}
