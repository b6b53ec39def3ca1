package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.SpaceEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Spark writes are not capped at one task per bucket: the input is range-partitioned by
 * (bucket, key), so one large bucket is written by several tasks, each writing sorted files of its
 * own key range. Oracles: a HashMap model read back through the connector and Spark's own Parquet
 * reader.
 */
class SparkWriteParallelismTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void aWriteOfOneLargeBucketUsesSeveralTasksAndItsFilesDoNotOverlap() throws Exception {
    String root = SharedSpark.newHubRoot();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(7), "k", 3000, 8);
    Map<Integer, Integer> tasksByStage = new ConcurrentHashMap<>();
    SparkListener counter = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        boolean gotRows = end.taskMetrics() != null && end.taskMetrics().shuffleReadMetrics().recordsRead() > 0;
        tasksByStage.merge(end.stageId(), gotRows ? 1 : 0, Integer::sum);
      }
    };
    spark.sparkContext().addSparkListener(counter);
    // AQE would coalesce this small input into one task; the shuffle's 4 ranges stay 4 tasks
    spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", "false");
    try {
      SparkDataFrameTest.frame(spark, rows).repartition(3).write().format("embeddinghub")
          .option("path", root).option("space", "one_bucket")
          .option("buckets", 1).option("targetFileRows", 250).option("targetFileBytes", 16 * 1024)
          .mode("append").save();
    } finally {
      spark.conf().unset("spark.sql.adaptive.coalescePartitions.enabled");
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(counter);
    }

    int writeStage = tasksByStage.keySet().stream().max(Integer::compare).orElseThrow();
    assertThat(tasksByStage.get(writeStage)).as("tasks of the write stage that got rows, all of one bucket").isGreaterThanOrEqualTo(2);

    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.getSpace("one_bucket");
    assertThat(space.version()).as("one write, one version").isEqualTo(1);
    SpaceState state = SpaceEngine.open(new HubRef(root, spark.sessionState().newHadoopConf()).context(), "one_bucket").latest();
    List<LiveFile> files = new ArrayList<>(state.filesInBucket(0));
    files.sort(Comparator.comparing(f -> f.file().minKey(), KeyOrder.COMPARATOR));
    assertThat(files.size()).isGreaterThanOrEqualTo(3000 / 250);
    for (int i = 0; i < files.size(); i++) {
      assertThat(files.get(i).file().rows()).isLessThanOrEqualTo(250);
      if (i > 0) {
        assertThat(KeyOrder.compare(files.get(i - 1).file().maxKey(), files.get(i).file().minKey()))
            .as("files of one bucket written by range: %s before %s", files.get(i - 1).file().path(), files.get(i).file().path())
            .isNegative();
      }
    }
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(spark.read().format("embeddinghub").option("path", root).option("space", "one_bucket").load()),
        rows);
    List<String> paths = new ArrayList<>();
    files.forEach(f -> paths.add(new HubRef(root, spark.sessionState().newHadoopConf()).context().io().location(f.file().path())));
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(spark.read().parquet(paths.toArray(new String[0]))), rows);
  }
}
