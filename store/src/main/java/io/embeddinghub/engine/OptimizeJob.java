package io.embeddinghub.engine;

import io.embeddinghub.OptimizeResult;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.CompactionGroup;
import io.embeddinghub.table.FileBatchWriter;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.SpaceEngine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code optimize} split into steps an engine spreads over its tasks: {@link #plan} on the driver
 * picks the compaction groups (metadata only); {@link #rewriteTask} once per group, in tasks, each
 * a streaming merge in bounded memory; {@link #indexJob} on the driver plans the index build of the
 * rewritten tail, whose partitions are built as in an {@link IndexBuildJob}; {@link IndexStage#commit} on
 * the driver makes the rewrite and the index one version, as the embedded {@code optimize} does.
 * Immutable; only the small {@link RewriteTask}s and the index job travel to tasks.
 */
public final class OptimizeJob {
  private final HubContext ctx;
  private final String space;
  private final SpaceState base;
  private final List<CompactionGroup> groups;

  private OptimizeJob(HubContext ctx, String space, SpaceState base, List<CompactionGroup> groups) {
    this.ctx = ctx;
    this.space = space;
    this.base = base;
    this.groups = List.copyOf(groups);
  }

  /** Plans an optimize of the latest version. */
  public static OptimizeJob plan(HubContext ctx, String space) {
    SpaceState base = SpaceEngine.open(ctx, space).latest();
    return new OptimizeJob(ctx, space, base, SpaceEngine.planCompaction(base));
  }

  public long baseVersion() {
    return base.version();
  }

  /** Compaction groups: one task each. */
  public int groups() {
    return groups.size();
  }

  /** Bytes group {@code group} reads. */
  public long groupBytes(int group) {
    return groups.get(group).inputBytes();
  }

  /** The task rewriting group {@code group} (0 .. {@link #groups()} - 1). */
  public RewriteTask rewriteTask(int group) {
    return new RewriteTask(base.metadata().spec(), groups.get(group));
  }

  /** One group's rewrite, serializable: what a task runs. */
  public record RewriteTask(SpaceSpec spec, CompactionGroup group) implements Serializable {
    public WrittenGroup run(HubContext ctx) {
      return new WrittenGroup(SpaceEngine.rewriteGroup(ctx, spec, group));
    }
  }

  /** The files one group was rewritten into (a task's result). */
  public record WrittenGroup(List<DataFile> files) implements Serializable {
    public WrittenGroup {
      files = List.copyOf(files);
    }
  }

  /** The index stage: an index build over what the rewrite leaves unindexed, to build before {@link #commit}. */
  public final class IndexStage {
    private final List<WrittenGroup> written;
    private final SpaceEngine.IndexStep step;
    private final IndexBuildJob job;

    private IndexStage(List<WrittenGroup> written) {
      this.written = List.copyOf(written);
      this.step = SpaceEngine.indexStep(base, groups, files(written));
      this.job = IndexBuildJob.planOn(ctx, space, step.base());
    }

    /** The index build to run (possibly empty: then commit with no partitions). */
    public IndexBuildJob job() {
      return job;
    }

    /**
     * Commits the rewrite and the index partitions as one version. A conflict (a rewritten file
     * changed meanwhile) deletes everything written and throws
     * {@link io.embeddinghub.CommitConflictException}: plan again.
     */
    public OptimizeResult commit(List<IndexBuildJob.WrittenPartition> partitions) {
      if (groups.isEmpty() && job.isEmpty()) {
        return new OptimizeResult(base.version(), 0, 0, 0);
      }
      return SpaceEngine.open(ctx, space).commitOptimize(groups, files(written), step, job.build(partitions));
    }

    /** Deletes everything written, when the job stops before its commit. */
    public void abort(List<IndexBuildJob.WrittenPartition> partitions) {
      OptimizeJob.this.abort(written);
      job.abort(ctx, partitions);
    }
  }

  /** Plans the index stage once every group is rewritten ({@code written} in group order). */
  public IndexStage indexJob(List<WrittenGroup> written) {
    if (written.size() != groups.size()) {
      throw new IllegalArgumentException("Expected " + groups.size() + " rewritten groups, got " + written.size());
    }
    return new IndexStage(written);
  }

  /** Deletes rewritten files that will not be committed. */
  public void abort(List<WrittenGroup> written) {
    for (WrittenGroup w : written) {
      FileBatchWriter.deleteQuietly(ctx, w.files());
    }
  }

  private static List<List<DataFile>> files(List<WrittenGroup> written) {
    List<List<DataFile>> files = new ArrayList<>();
    written.forEach(w -> files.add(w.files()));
    return files;
  }

  @Override
  public String toString() {
    return "OptimizeJob{" + space + "@v" + base.version() + ", groups=" + groups.size() + "}";
  }
}
