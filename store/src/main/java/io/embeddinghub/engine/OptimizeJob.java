package io.embeddinghub.engine;

import io.embeddinghub.OptimizeResult;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.CompactionGroup;
import io.embeddinghub.table.FileBatchWriter;
import io.embeddinghub.table.IndexBuilder;
import io.embeddinghub.table.SpaceOperations;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code optimize}, defined once and run by any {@link JobRunner}: the compaction groups are
 * picked from the log of the latest version (no file is read to plan); one task per group merges
 * its files and deletions in bounded memory into sorted files of the target size; then the index
 * build of what the rewrite leaves unindexed (an {@link IndexBuildJob} planned on the rewritten
 * version, taking in any two small earlier builds) runs on the same runner; and the rewrite and
 * the index are committed as one version. A rewritten file that changed meanwhile makes the job
 * start over ({@value Retry#ATTEMPTS} attempts). The compaction alone, of the buckets past the
 * auto-optimize thresholds, is what follows a write ({@link AfterWrite}).
 */
public final class OptimizeJob {
  private OptimizeJob() {}

  /**
   * Optimizes the latest version of {@code space}: compaction of every bucket that needs it, then
   * an index of the unindexed rows, as one version.
   *
   * @param runner where the tasks run
   * @param space the space to optimize
   * @return what the optimize did; the latest version unchanged when there was nothing to do
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   * @throws io.embeddinghub.CommitConflictException if every attempt conflicted
   */
  public static OptimizeResult run(JobRunner runner, String space) {
    return run(runner, space, files -> true, true);
  }

  /** Compacts the buckets {@code bucketDue} selects, as one version; builds no index. */
  static OptimizeResult compact(JobRunner runner, String space, Predicate<List<LiveFile>> bucketDue) {
    return run(runner, space, bucketDue, false);
  }

  private static OptimizeResult run(JobRunner runner, String space, Predicate<List<LiveFile>> bucketDue, boolean index) {
    return Retry.onConflict(space, () -> {
      SpaceOperations engine = SpaceOperations.open(runner.hub().context(), space);
      SpaceState base = engine.latest();
      List<CompactionGroup> groups = SpaceOperations.planCompaction(base, bucketDue);
      List<RewriteTask> tasks = new ArrayList<>();
      groups.forEach(g -> tasks.add(new RewriteTask(base.metadata().spec(), g)));
      List<WrittenGroup> written = runner.map(tasks, (hub, task) -> task.run(hub));
      List<List<DataFile>> files = new ArrayList<>();
      written.forEach(w -> files.add(w.files));
      SpaceOperations.IndexStep step;
      IndexBuildJob job;
      List<IndexBuildJob.WrittenPartition> partitions;
      try {
        step = SpaceOperations.indexStep(base, groups, files);
        job = index ? IndexBuildJob.planOn(runner, space, base.version(), step) : null;
        partitions = job == null ? List.of() : job.buildPartitions(runner);
      } catch (RuntimeException e) {
        files.forEach(f -> FileBatchWriter.deleteQuietly(runner.hub().context(), f));
        throw e;
      }
      if (groups.isEmpty() && (job == null || job.isEmpty())) {
        return new OptimizeResult(base.version(), 0, 0, 0);
      }
      IndexBuilder.Build build = job == null ? IndexBuilder.Build.NONE : job.build(partitions);
      SpaceState after = engine.commitRewrite("optimize", groups, files, step, build);
      int inputs = 0;
      int outputs = 0;
      long rows = 0;
      for (int g = 0; g < groups.size(); g++) {
        inputs += groups.get(g).inputs().size();
        outputs += files.get(g).size();
        rows += groups.get(g).liveRows();
      }
      return new OptimizeResult(after.version(), inputs, outputs, rows, build.partitions().size());
    });
  }

  /** One group's rewrite: what a task runs. */
  private record RewriteTask(SpaceSpec spec, CompactionGroup group) implements Serializable {
    WrittenGroup run(EngineHub hub) {
      return new WrittenGroup(SpaceOperations.rewriteGroup(hub.context(), spec, group));
    }
  }

  /** The files one group was rewritten into (a task's result, not yet committed). */
  private record WrittenGroup(List<DataFile> files) implements Serializable {}
}
