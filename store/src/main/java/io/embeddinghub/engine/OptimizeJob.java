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

  /**
   * Plans an optimize of the latest version.
   *
   * @param hub the hub, opened in this JVM
   * @param space the space to optimize
   * @return the job; with no groups when no bucket needs compacting
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public static OptimizeJob plan(EngineHub hub, String space) {
    HubContext ctx = hub.context();
    SpaceState base = SpaceEngine.open(ctx, space).latest();
    return new OptimizeJob(ctx, space, base, SpaceEngine.planCompaction(base));
  }

  /** {@return the version the job was planned on} */
  public long baseVersion() {
    return base.version();
  }

  /** {@return the number of compaction groups: one task each} */
  public int groups() {
    return groups.size();
  }

  /**
   * Bytes group {@code group} reads.
   *
   * @param group the group's index, in 0 .. {@link #groups()} - 1
   * @return the total size of the group's input files
   */
  public long groupBytes(int group) {
    return groups.get(group).inputBytes();
  }

  /**
   * The task rewriting group {@code group}.
   *
   * @param group the group's index, in 0 .. {@link #groups()} - 1
   * @return the serializable task
   */
  public RewriteTask rewriteTask(int group) {
    return new RewriteTask(base.metadata().spec(), groups.get(group));
  }

  /**
   * One group's rewrite, serializable: what a task runs.
   */
  public static final class RewriteTask implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The space's spec. */
    private final SpaceSpec spec;

    /** The files to merge. */
    private final CompactionGroup group;

    RewriteTask(SpaceSpec spec, CompactionGroup group) {
      this.spec = spec;
      this.group = group;
    }

    /**
     * Merges the group's files and deletions into new data files, streaming in bounded memory.
     *
     * @param hub the hub, opened in this JVM
     * @return the files written (not yet committed)
     */
    public WrittenGroup run(EngineHub hub) {
      HubContext ctx = hub.context();
      return new WrittenGroup(SpaceEngine.rewriteGroup(ctx, spec, group));
    }
  }

  /**
   * The files one group was rewritten into (a task's result). Opaque to engines.
   */
  public static final class WrittenGroup implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The written data files. */
    private final List<DataFile> files;

    WrittenGroup(List<DataFile> files) {
      this.files = List.copyOf(files);
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

    /** {@return the index build to run} Possibly empty: then commit with no partitions. */
    public IndexBuildJob job() {
      return job;
    }

    /**
     * Commits the rewrite and the index partitions as one version. A conflict (a rewritten file
     * changed meanwhile) deletes everything written and throws
     * {@link io.embeddinghub.CommitConflictException}: plan again.
     *
     * @param partitions the index job's written partitions
     * @return what the optimize did; the base version unchanged when there was nothing to do
     * @throws io.embeddinghub.CommitConflictException if a rewritten file changed meanwhile
     */
    public OptimizeResult commit(List<IndexBuildJob.WrittenPartition> partitions) {
      if (groups.isEmpty() && job.isEmpty()) {
        return new OptimizeResult(base.version(), 0, 0, 0);
      }
      return SpaceEngine.open(ctx, space).commitOptimize(groups, files(written), step, job.build(partitions));
    }

    /**
     * Deletes everything written, when the job stops before its commit.
     *
     * @param partitions the index job's written partitions
     */
    public void abort(List<IndexBuildJob.WrittenPartition> partitions) {
      OptimizeJob.this.abort(written);
      job.abort(ctx, partitions);
    }
  }

  /**
   * Plans the index stage once every group is rewritten.
   *
   * @param written every group's result, in group order
   * @return the index stage
   * @throws IllegalArgumentException if {@code written} does not hold one result per group
   */
  public IndexStage indexJob(List<WrittenGroup> written) {
    if (written.size() != groups.size()) {
      throw new IllegalArgumentException("Expected " + groups.size() + " rewritten groups, got " + written.size());
    }
    return new IndexStage(written);
  }

  /**
   * Deletes rewritten files that will not be committed.
   *
   * @param written the groups' results
   */
  public void abort(List<WrittenGroup> written) {
    for (WrittenGroup w : written) {
      FileBatchWriter.deleteQuietly(ctx, w.files);
    }
  }

  private static List<List<DataFile>> files(List<WrittenGroup> written) {
    List<List<DataFile>> files = new ArrayList<>();
    written.forEach(w -> files.add(w.files));
    return files;
  }

  @Override
  public String toString() {
    return "OptimizeJob{" + space + "@v" + base.version() + ", groups=" + groups.size() + "}";
  }
}
