package io.embeddinghub.engine;

import io.embeddinghub.IndexResult;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.IndexBuilder;
import io.embeddinghub.table.SpaceEngine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An index build split into steps an engine can spread over its tasks, so that the engine never
 * needs the store's internals: {@link #plan} on the driver; for a {@link #routed()} build,
 * {@link #assign} once per tail file (in tasks, each returning a serializable
 * {@link FileAssignment}); {@link #buildPartition} once per partition (in tasks, each holding one
 * partition in memory); then {@link #commit} on the driver, as one version. A job is serializable
 * and immutable; the {@link HubContext} is each JVM's own.
 */
public final class IndexBuildJob implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String space;
  private final long baseVersion;
  private final IndexBuilder.Plan plan;

  private IndexBuildJob(String space, long baseVersion, IndexBuilder.Plan plan) {
    this.space = space;
    this.baseVersion = baseVersion;
    this.plan = plan;
  }

  /** Plans a build of the latest version's unindexed tail (trains the centroids when it splits). */
  public static IndexBuildJob plan(HubContext ctx, String space) {
    SpaceState base = SpaceEngine.open(ctx, space).latest();
    return new IndexBuildJob(space, base.version(), new IndexBuilder(ctx, space).plan(base));
  }

  /** Plans a build of {@code base}'s unindexed tail (an optimize's preview of what it commits, say). */
  static IndexBuildJob planOn(HubContext ctx, String space, SpaceState base) {
    return new IndexBuildJob(space, base.version(), new IndexBuilder(ctx, space).plan(base));
  }

  /** Whether there is nothing to index (then {@link #baseVersion()} is the answer). */
  public boolean isEmpty() {
    return plan.isEmpty();
  }

  /** The version the job was planned on. */
  public long baseVersion() {
    return baseVersion;
  }

  /** Whether rows are split by centroid, so that each tail file needs {@link #assign} first. */
  public boolean routed() {
    return plan.routed();
  }

  public int tailFiles() {
    return plan.tail().size();
  }

  public int partitions() {
    return plan.partitions();
  }

  public long rows() {
    return plan.rows();
  }

  /** One tail file's rows assigned to partitions (a task's result). */
  public record FileAssignment(String path, IndexBuilder.Assignment assignment) implements Serializable {}

  /** Assigns the rows of tail file {@code file} (0 .. {@link #tailFiles()} - 1). */
  public FileAssignment assign(HubContext ctx, int file) {
    var f = plan.tail().get(file);
    return new FileAssignment(f.file().path(), new IndexBuilder(ctx, space).assign(plan, f));
  }

  /** What the partition tasks need from every file's assignment: the rows of each, and the routing recall. */
  public record Routing(Map<String, int[]> partitionOfRows, float[] routingRecall) implements Serializable {
    public static final Routing NONE = new Routing(Map.of(), null);
  }

  /** Combines every tail file's assignment (all of {@link #assign}'s results). */
  public Routing routing(List<FileAssignment> files) {
    Map<String, int[]> rows = new java.util.HashMap<>();
    List<IndexBuilder.Assignment> assignments = new ArrayList<>();
    for (FileAssignment f : files) {
      rows.put(f.path(), f.assignment().partitionOfRow());
      assignments.add(f.assignment());
    }
    return new Routing(rows, IndexBuilder.routingRecall(plan, assignments));
  }

  /** One written partition (a task's result); empty when no row went to it. */
  public record WrittenPartition(IndexPartition partition) implements Serializable {}

  /** Builds and writes partition {@code partition} (0 .. {@link #partitions()} - 1). */
  public WrittenPartition buildPartition(HubContext ctx, int partition, Routing routing) {
    return new WrittenPartition(new IndexBuilder(ctx, space)
        .buildPartition(plan, partition, routing.partitionOfRows(), routing.routingRecall()));
  }

  /**
   * Commits the written partitions as one version; when a concurrent commit removed or indexed a
   * covered file, deletes them and throws {@link io.embeddinghub.CommitConflictException} (plan again).
   */
  public IndexResult commit(HubContext ctx, List<WrittenPartition> written, long startedNanos) {
    IndexBuilder.Build build = build(written);
    SpaceState after = SpaceEngine.open(ctx, space).commitIndexBuild(build);
    return new IndexResult(after.version(), build.partitions().size(), plan.rows(), System.nanoTime() - startedNanos);
  }

  /** The build the written partitions make (an empty one for an empty job). */
  IndexBuilder.Build build(List<WrittenPartition> written) {
    List<IndexPartition> partitions = new ArrayList<>();
    for (WrittenPartition w : written) {
      if (w.partition() != null) {
        partitions.add(w.partition());
      }
    }
    return new IndexBuilder.Build(plan.id(), partitions, plan.isEmpty() ? List.of() : plan.coveredFiles(), plan.rows());
  }

  /** Deletes written partitions that will not be committed. */
  void abort(HubContext ctx, List<WrittenPartition> written) {
    new IndexBuilder(ctx, space).abort(build(written));
  }

  @Override
  public String toString() {
    return "IndexBuildJob{" + Objects.toString(space) + "@v" + baseVersion + ", partitions=" + partitions() + "}";
  }
}
