package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.DataFileInfo;
import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One engine, two runners: the same job run by the local runner (the embedded API) and by the
 * Spark runner (the connector) makes the same layout, and a DataFrame write applies the same
 * after-write policy as an embedded write (its tail indexed once past the threshold). Oracles: a
 * HashMap model of the rows and the shared brute-force kNN ({@code BruteForceKnn}), independent
 * of the store's metric code.
 */
@Tag("slow") // every job on both runners
class SparkRunnerParityTest {
  private static final int DIMS = 8;

  private final SparkSession spark = SharedSpark.session();

  @Test
  void aDataFrameWriteIndexesItsTailInTheWriteActionUnlessDeferred() {
    String root = SharedSpark.newHubRoot();
    Map<String, float[]> rows = SparkDistributedOpsTest.clustered(new Random(3), 12_000, DIMS);

    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
        .option("path", root).option("space", "auto").mode("append").save();
    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
        .option("path", root).option("space", "deferred").option("index", "defer").mode("append").save();

    EmbeddingHub hub = EmbeddingHub.open(root);
    Space auto = hub.getSpace("auto");
    assertThat(auto.unindexedRows()).as("the write's action indexed its rows").isZero();
    assertThat(auto.indexPartitions().stream().mapToLong(IndexPartitionInfo::rows).sum()).isEqualTo(rows.size());
    assertThat(auto.history().stream().map(VersionInfo::operation).toList())
        .as("the index is a version of its own, after the write's")
        .containsExactly("create", "spark-append", "buildIndex");
    Space deferred = hub.getSpace("deferred");
    assertThat(deferred.unindexedRows()).isEqualTo(rows.size());
    assertThat(deferred.indexPartitions()).isEmpty();

    Random random = new Random(4);
    List<String> keys = new ArrayList<>(rows.keySet());
    int hits = 0;
    int exactHits = 0;
    int queries = 50;
    for (int q = 0; q < queries; q++) {
      float[] query = rows.get(keys.get(random.nextInt(keys.size()))).clone();
      query[0] += 0.05f;
      Set<String> truth = bruteForce(rows, query, 10);
      for (Neighbor n : auto.nearestNeighbors(10, query)) {
        hits += truth.contains(n.key()) ? 1 : 0;
      }
      for (Neighbor n : deferred.nearestNeighbors(10, query)) {
        exactHits += truth.contains(n.key()) ? 1 : 0;
      }
    }
    assertThat(hits / (10.0 * queries)).as("recall@10 of the index the write built").isGreaterThan(0.9);
    assertThat(exactHits).as("the deferred space's tail is searched exactly (float32 vs double: one near-tie)")
        .isGreaterThanOrEqualTo(10 * queries - 1);
  }

  @Test
  void optimizeMakesTheSameFilesAndIndexOnEitherRunner() {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub hub = EmbeddingHub.open(root);
    Map<String, float[]> model = new HashMap<>();
    Random random = new Random(5);
    List<Map<String, float[]>> batches = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      Map<String, float[]> batch = new HashMap<>();
      SparkDistributedOpsTest.clustered(random, 400, DIMS).values()
          .forEach(v -> batch.put(String.format("k%05d", random.nextInt(1500)), v));
      batches.add(batch);
      model.putAll(batch);
    }
    List<String> doomed = new ArrayList<>(model.keySet()).subList(0, 50);
    for (String name : List.of("local", "spark")) {
      Space space = hub.createSpace(SpaceSpec.builder(name, DIMS).buckets(4).targetFileRows(120).build());
      batches.forEach(space::multiset);
      space.multidelete(new ArrayList<>(doomed));
    }
    new ArrayList<>(doomed).forEach(model::remove);

    hub.getSpace("local").optimize();
    EmbeddingHubSpark.open(spark, root).optimize("spark");

    EmbeddingHub fresh = EmbeddingHub.open(root);
    Space local = fresh.getSpace("local");
    Space sparkRun = fresh.getSpace("spark");
    assertThat(layout(sparkRun.dataFiles())).as("same data files").isEqualTo(layout(local.dataFiles()));
    assertThat(local.dataFiles().stream().mapToLong(DataFileInfo::liveRows).sum()).isEqualTo(model.size());
    assertThat(partitionRows(sparkRun.indexPartitions())).as("same index partitions")
        .isEqualTo(partitionRows(local.indexPartitions()));
    assertThat(local.unindexedRows()).isZero();
    assertThat(sparkRun.unindexedRows()).isZero();
    List<String> keys = new ArrayList<>(model.keySet());
    assertThat(sparkRun.multiget(keys)).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(local.multiget(keys));
    for (String key : keys) {
      assertThat(local.get(key)).isEqualTo(model.get(key));
    }
  }

  @Test
  void aSplitIndexBuildVerifyAndVacuumAnswerTheSameOnEitherRunner() {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub hub = EmbeddingHub.open(root);
    Map<String, float[]> rows = new HashMap<>();
    SparkDistributedOpsTest.clustered(new Random(9), 3_000, DIMS).values()
        .forEach(v -> rows.put(String.format("k%05d", rows.size()), v));
    List<String> doomed = new ArrayList<>(rows.keySet()).subList(0, 40);
    for (String name : List.of("local", "spark")) {
      // 16 KiB partitions: the 3,000 rows' 96 KB of vectors split into routed partitions (a shuffle)
      Space space = hub.createSpace(SpaceSpec.builder(name, DIMS).buckets(2)
          .indexParams(io.embeddinghub.IndexParams.DEFAULT.withPartitionBytes(16 << 10)).build());
      space.multiset(rows);
      space.multidelete(new ArrayList<>(doomed));
    }
    new ArrayList<>(doomed).forEach(rows::remove);

    io.embeddinghub.IndexResult localBuild = hub.getSpace("local").buildIndex();
    io.embeddinghub.IndexResult sparkBuild = EmbeddingHubSpark.open(spark, root).buildIndex("spark");

    assertThat(sparkBuild.partitionsAdded()).as("a split build").isGreaterThan(1)
        .isEqualTo(localBuild.partitionsAdded());
    EmbeddingHub fresh = EmbeddingHub.open(root);
    Space local = fresh.getSpace("local");
    Space sparkRun = fresh.getSpace("spark");
    assertThat(partitionRows(sparkRun.indexPartitions())).as("the same rows in each partition (same seeded routing)")
        .isEqualTo(partitionRows(local.indexPartitions()));
    assertThat(partitionRows(local.indexPartitions()).stream().mapToLong(Long::longValue).sum()).isEqualTo(rows.size());
    float[] query = rows.values().iterator().next();
    Set<String> truth = bruteForce(rows, query, 10);
    assertThat(local.nearestNeighbors(10, query, io.embeddinghub.SearchOptions.withEf(200).withNprobe(64)))
        .extracting(Neighbor::key).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(sparkRun.nearestNeighbors(10, query, io.embeddinghub.SearchOptions.withEf(200).withNprobe(64)))
        .extracting(Neighbor::key).containsExactlyInAnyOrderElementsOf(truth);

    io.embeddinghub.VerifyResult localCheck = local.verify();
    io.embeddinghub.VerifyResult sparkCheck = EmbeddingHubSpark.open(spark, root).verify("spark");
    assertThat(sparkCheck.ok()).isTrue();
    assertThat(localCheck.ok()).isTrue();
    assertThat(sparkCheck.filesChecked()).isEqualTo(localCheck.filesChecked());
    assertThat(sparkCheck.rowsChecked()).isEqualTo(localCheck.rowsChecked());

    // optimize on each runner, then a vacuum (dry run, then for real) finds the same replaced files
    local.optimize();
    EmbeddingHubSpark.open(spark, root).optimize("spark");
    io.embeddinghub.VacuumOptions now = io.embeddinghub.VacuumOptions.withoutRetentionCheck();
    long sparkWould = EmbeddingHubSpark.open(spark, root).vacuum("spark", java.time.Duration.ZERO, now.asDryRun()).filesDeleted();
    assertThat(sparkWould).as("the files optimize replaced").isPositive()
        .isEqualTo(local.vacuum(java.time.Duration.ZERO, now.asDryRun()).filesDeleted());
    assertThat(EmbeddingHubSpark.open(spark, root).vacuum("spark", java.time.Duration.ZERO, now).filesDeleted())
        .isEqualTo(sparkWould).isEqualTo(local.vacuum(java.time.Duration.ZERO, now).filesDeleted());
    assertThat(fresh.getSpace("spark").multiget(new ArrayList<>(rows.keySet())))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(new ArrayList<>(rows.values()));
  }

  /** Each file as bucket, rows, live rows and key range, in the listing's order. */
  private static List<String> layout(List<DataFileInfo> files) {
    return files.stream()
        .map(f -> f.bucket() + ":" + f.rows() + ":" + f.liveRows() + ":" + f.minKey() + ".." + f.maxKey())
        .toList();
  }

  private static List<Long> partitionRows(List<IndexPartitionInfo> partitions) {
    return partitions.stream().map(IndexPartitionInfo::rows).sorted().toList();
  }

  /** The {@code k} keys nearest {@code query} by Euclidean distance (the shared brute-force oracle). */
  private static Set<String> bruteForce(Map<String, float[]> rows, float[] query, int k) {
    return new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, rows, query, k, null));
  }
}
