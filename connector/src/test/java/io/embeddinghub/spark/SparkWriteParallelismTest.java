package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.DataFileInfo;
import io.embeddinghub.engine.EngineKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Spark writes are not capped at one task per bucket: the input is range-partitioned by
 * (bucket, key), so one large bucket is written by several tasks, each writing sorted files of its
 * own key range. Oracles: a HashMap model read back through the connector and Spark's own Parquet
 * reader. An input Spark knows to be smaller than one data file is written by one task, without
 * the range partitioner's sampling job.
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
    List<DataFileInfo> files = space.dataFiles(); // by bucket, then smallest key
    assertThat(files).allSatisfy(f -> assertThat(f.bucket()).isZero());
    assertThat(files.size()).isGreaterThanOrEqualTo(3000 / 250);
    for (int i = 0; i < files.size(); i++) {
      assertThat(files.get(i).rows()).isLessThanOrEqualTo(250);
      if (i > 0) {
        assertThat(EngineKeys.compare(files.get(i - 1).maxKey(), files.get(i).minKey()))
            .as("files of one bucket written by range: %s before %s", files.get(i - 1).path(), files.get(i).path())
            .isNegative();
      }
    }
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(spark.read().format("embeddinghub").option("path", root).option("space", "one_bucket").load()),
        rows);
    List<String> paths = new ArrayList<>();
    files.forEach(f -> paths.add(root + "/" + f.path()));
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(spark.read().parquet(paths.toArray(new String[0]))), rows);
  }

  @Test
  void aWriteSparkKnowsToBeSmallRunsInOneTaskWithoutSampling() throws Exception {
    String root = SharedSpark.newHubRoot();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(8), "s", 2000, 8);
    AtomicInteger jobs = new AtomicInteger();
    Map<Integer, Integer> tasksByStage = new ConcurrentHashMap<>();
    SparkListener counter = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        boolean gotRows = end.taskMetrics() != null && end.taskMetrics().shuffleReadMetrics().recordsRead() > 0;
        tasksByStage.merge(end.stageId(), gotRows ? 1 : 0, Integer::sum);
      }
    };
    spark.sparkContext().addSparkListener(counter);
    // without AQE every shuffle partition would be a task: the one task must come from the write
    spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", "false");
    try {
      SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
          .option("path", root).option("space", "small").option("index", "defer")
          .mode("append").save();
    } finally {
      spark.conf().unset("spark.sql.adaptive.coalescePartitions.enabled");
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(counter);
    }

    int writeStage = tasksByStage.keySet().stream().max(Integer::compare).orElseThrow();
    assertThat(tasksByStage.get(writeStage)).as("tasks of the write stage, tasks by stage %s", tasksByStage).isEqualTo(1);
    assertThat(jobs.get()).as("the shuffle's map stage and the write: no sampling job").isLessThanOrEqualTo(2);
    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.getSpace("small");
    assertThat(space.version()).as("one write, one version").isEqualTo(1);
    assertThat(space.dataFiles()).as("one sorted file per bucket").hasSizeLessThanOrEqualTo(space.spec().buckets());
    SparkDataFrameTest.assertSameContents(
        SparkDataFrameTest.collect(spark.read().format("embeddinghub").option("path", root).option("space", "small").load()),
        rows);
  }
}
