package io.embeddinghub.spark;

import io.embeddinghub.OptimizeResult;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.engine.Retry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * {@code optimize} as Spark jobs, through the store's {@link OptimizeJob}: the driver picks the
 * compaction groups from the log (no file is read there); one task per group merges its files in
 * bounded memory into sorted files of the space's target size; the driver plans the index build of
 * what the rewrite leaves unindexed and its partitions are built one task each
 * ({@link DistributedIndexBuild}); the driver commits the rewrite and the index as one version,
 * as the embedded {@code optimize} does. A commit that changed a rewritten file meanwhile makes
 * the job start over (3 times).
 */
final class DistributedOptimize {
  private DistributedOptimize() {}

  static OptimizeResult run(SparkSession spark, HubRef hub, String space) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return Retry.onConflict(space, () -> {
      OptimizeJob job = OptimizeJob.plan(hub.engine(), space);
      List<OptimizeJob.WrittenGroup> written = rewrite(jsc, hub, job);
      OptimizeJob.IndexStage index;
      List<IndexBuildJob.WrittenPartition> partitions;
      try {
        index = job.indexJob(written);
        partitions = DistributedIndexBuild.buildPartitions(jsc, hub, index.job());
      } catch (RuntimeException e) {
        job.abort(written);
        throw e;
      }
      return index.commit(partitions);
    });
  }

  /** One task per compaction group, in group order. */
  private static List<OptimizeJob.WrittenGroup> rewrite(JavaSparkContext jsc, HubRef hub, OptimizeJob job) {
    if (job.groups() == 0) {
      return List.of();
    }
    List<OptimizeJob.RewriteTask> tasks = new ArrayList<>();
    for (int g = 0; g < job.groups(); g++) {
      tasks.add(job.rewriteTask(g));
    }
    return jsc.parallelize(tasks, tasks.size()).map(new Rewrite(hub)).collect();
  }

  /** Task: rewrite one compaction group. */
  private record Rewrite(HubRef hub) implements Function<OptimizeJob.RewriteTask, OptimizeJob.WrittenGroup>, Serializable {
    @Override
    public OptimizeJob.WrittenGroup call(OptimizeJob.RewriteTask task) {
      return task.run(hub.engine());
    }
  }
}
