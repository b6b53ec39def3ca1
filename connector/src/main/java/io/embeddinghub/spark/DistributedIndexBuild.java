package io.embeddinghub.spark;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.IndexResult;
import io.embeddinghub.engine.IndexBuildJob;
import java.io.Serializable;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * An index build as a Spark job, through the store's {@link IndexBuildJob}: the driver plans it
 * (which tail files, how many partitions, the centroids, trained on a sample read file by file);
 * for a split build one task per tail file assigns its rows to partitions; then one task per
 * partition builds and writes it, holding one partition in memory; the driver commits every
 * partition as one version. A commit that changed the covered files meanwhile makes the job start
 * over (3 times).
 */
final class DistributedIndexBuild {
  private static final int ATTEMPTS = 3;

  private DistributedIndexBuild() {}

  static IndexResult run(SparkSession spark, HubRef hub, String space) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      IndexBuildJob job = IndexBuildJob.plan(hub.context(), space);
      if (job.isEmpty()) {
        return new IndexResult(job.baseVersion(), 0, 0, 0);
      }
      List<IndexBuildJob.WrittenPartition> written = buildPartitions(jsc, hub, job);
      try {
        return job.commit(hub.context(), written, started);
      } catch (CommitConflictException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Runs an index build's tasks (assignment of a split build's tail files, then one task per
   * partition) and returns the written partitions, uncommitted; nothing for an empty job.
   */
  static List<IndexBuildJob.WrittenPartition> buildPartitions(JavaSparkContext jsc, HubRef hub, IndexBuildJob job) {
    if (job.isEmpty()) {
      return List.of();
    }
    IndexBuildJob.Routing routing = IndexBuildJob.Routing.NONE;
    if (job.routed()) {
      routing = job.routing(jsc.parallelize(range(job.tailFiles()), job.tailFiles()).map(new Assign(hub, job)).collect());
    }
    Broadcast<IndexBuildJob.Routing> shared = jsc.broadcast(routing);
    try {
      return jsc.parallelize(range(job.partitions()), job.partitions()).map(new Build(hub, job, shared)).collect();
    } finally {
      shared.destroy();
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Task: one tail file's rows to partitions, and its share of the routing probe's neighbours. */
  private record Assign(HubRef hub, IndexBuildJob job)
      implements Function<Integer, IndexBuildJob.FileAssignment>, Serializable {
    @Override
    public IndexBuildJob.FileAssignment call(Integer file) {
      return job.assign(hub.context(), file);
    }
  }

  /** Task: build and write one partition. */
  private record Build(HubRef hub, IndexBuildJob job, Broadcast<IndexBuildJob.Routing> routing)
      implements Function<Integer, IndexBuildJob.WrittenPartition>, Serializable {
    @Override
    public IndexBuildJob.WrittenPartition call(Integer partition) {
      return job.buildPartition(hub.context(), partition, routing.value());
    }
  }
}
