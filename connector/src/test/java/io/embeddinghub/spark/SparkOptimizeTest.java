package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.DataFileInfo;
import io.embeddinghub.engine.EngineKeys;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code optimize} as Spark jobs: one task per compaction group, then the index, one version.
 * Oracles: a HashMap model of the space read back through Spark's own reader of the data files
 * (plain Parquet) and through the connector, brute-force kNN.
 */
class SparkOptimizeTest {
  private static final int DIMS = 8;
  private static final int TARGET_ROWS = 200;

  private final SparkSession spark = SharedSpark.session();

  @Tag("slow") // compaction and an index build; the fast tier keeps the procedure test
  @Test
  void aSparkOptimizeRewritesEachBucketInATaskAndIndexesTheResultInOneVersion() throws Exception {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(4).targetFileRows(TARGET_ROWS).build());
    Random random = new Random(1);
    Map<String, float[]> model = new HashMap<>();
    for (int w = 0; w < 12; w++) {
      Map<String, float[]> batch = SparkDistributedOpsTest.clustered(random, 150, DIMS);
      Map<String, float[]> renamed = new HashMap<>();
      int base = w * 100; // each write overwrites a third of the previous one
      int[] i = {0};
      batch.values().forEach(v -> renamed.put(String.format("k%05d", base + i[0]++), v));
      space.multiset(renamed);
      model.putAll(renamed);
    }
    List<String> doomed = new ArrayList<>(model.keySet()).subList(0, 100);
    space.multidelete(new ArrayList<>(doomed));
    new ArrayList<>(doomed).forEach(model::remove);
    long before = space.version();

    AtomicInteger tasks = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        tasks.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(counter);
    OptimizeResult result;
    try {
      result = EmbeddingHubSpark.open(spark, root).optimize("s");
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(counter);
    }

    assertThat(result.version()).as("rewrite and index commit as one version").isEqualTo(before + 1);
    assertThat(result.filesRemoved()).isGreaterThanOrEqualTo(4 * 12);
    assertThat(result.rowsRewritten()).isEqualTo(model.size());
    assertThat(result.partitionsBuilt()).isEqualTo(1);
    assertThat(tasks.get()).as("one task per bucket's group (the one index partition is built on the driver in local mode)").isGreaterThanOrEqualTo(4);
    Space optimized = EmbeddingHub.open(root).getSpace("s");
    assertThat(optimized.unindexedRows()).isZero();
    List<DataFileInfo> all = optimized.dataFiles(); // by bucket, then smallest key
    for (int bucket = 0; bucket < 4; bucket++) {
      int b = bucket;
      List<DataFileInfo> files = all.stream().filter(f -> f.bucket() == b).toList();
      for (int f = 0; f < files.size(); f++) {
        assertThat(files.get(f).rows()).isBetween((long) TARGET_ROWS / 2, (long) TARGET_ROWS);
        assertThat(files.get(f).liveRows()).as("no deleted rows").isEqualTo(files.get(f).rows());
        if (f > 0) {
          assertThat(EngineKeys.compare(files.get(f - 1).maxKey(), files.get(f).minKey())).isNegative();
        }
      }
    }

    // Spark's own Parquet reader over exactly the files the log names
    List<String> paths = new ArrayList<>();
    all.forEach(f -> paths.add(root + "/" + f.path()));
    Map<String, float[]> plain = new HashMap<>();
    for (Row row : spark.read().parquet(paths.toArray(new String[0])).collectAsList()) {
      List<Float> values = row.getList(1);
      float[] v = new float[values.size()];
      for (int d = 0; d < v.length; d++) {
        v[d] = values.get(d);
      }
      assertThat(plain.put(row.getString(0), v)).as("key %s in two files", row.getString(0)).isNull();
    }
    assertThat(plain.keySet()).isEqualTo(model.keySet());
    model.forEach((k, v) -> assertThat(plain.get(k)).as(k).containsExactly(v));

    float[] query = model.values().iterator().next();
    assertThat(space.nearestNeighbors(10, query).stream().map(n -> n.key()).toList())
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
  }

  @Test
  void theOptimizeProcedureReportsWhatItDidAndIsANoOpTheSecondTime() {
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = hub.createSpace(SpaceSpec.builder("optimize_me", DIMS).buckets(2).build());
    Map<String, float[]> model = new HashMap<>();
    for (int w = 0; w < 3; w++) {
      Map<String, float[]> batch = SparkDistributedOpsTest.clustered(new Random(w), 40, DIMS);
      space.multiset(batch);
      model.putAll(batch);
    }
    long before = space.version();

    Row first = spark.sql("CALL hub.system.optimize('optimize_me')").collectAsList().get(0);
    assertThat(first.getLong(0)).isEqualTo(before + 1);
    assertThat(first.getInt(1)).as("files removed").isEqualTo(6);
    assertThat(first.getInt(2)).as("files added: one a bucket").isEqualTo(2);
    assertThat(first.getLong(3)).isEqualTo(model.size());
    Row second = spark.sql("CALL hub.system.optimize('optimize_me')").collectAsList().get(0);
    assertThat(second.getLong(0)).as("nothing left to do: no new version").isEqualTo(before + 1);
    assertThat(second.getInt(1)).isZero();
    model.forEach((k, v) -> assertThat(space.get(k)).containsExactly(v));
    assertThat(space.size()).isEqualTo(model.size());
  }
}
