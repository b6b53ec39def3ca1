package io.embeddinghub.table;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.List;
import java.util.Map;

/** The plan that commits an index build on top of the latest state, if it still applies. */
final class IndexPlans {
  private IndexPlans() {}

  /** How many small builds an index build takes in with the tail (optimize takes in any two). */
  static final int MERGE_SMALL_BUILDS_AT = 4;

  /**
   * The partitions of the single-partition builds of {@code state} when there are at least
   * {@code atLeast} and their rows, with the tail, fit one partition: re-indexed as one graph.
   */
  static List<String> smallBuilds(SpaceState state, int atLeast) {
    long limitRows = state.metadata().spec().indexParams().partitionBytes() / (4L * state.metadata().spec().dimensions());
    long rows = state.unindexedRows();
    List<String> partitions = new java.util.ArrayList<>();
    for (List<io.embeddinghub.log.IndexPartition> build : state.builds()) {
      if (build.size() == 1 && !build.get(0).hasCentroid()) {
        partitions.add(build.get(0).path());
        rows += build.get(0).rows();
      }
    }
    return partitions.size() >= atLeast && rows <= limitRows ? partitions : List.of();
  }

  /** A plan that only removes index partitions (whole builds). */
  static CommitPlan removing(List<String> partitions) {
    return new CommitPlan("optimize", List.of(), List.of(), Map.of(), List.of(), List.of(), partitions, 0, 0);
  }

  /**
   * Adds the build's partitions. Every data file it covers must still be live and unindexed:
   * otherwise a concurrent optimize removed it or another build indexed it, and the build is
   * stale. Rows deleted or written since the build started need nothing: deletion vectors filter
   * the former, the latter are in new files, still in the tail.
   */
  static CommitPlan add(SpaceState state, IndexBuilder.Build build) {
    String space = state.metadata().spec().name();
    for (String path : build.coveredFiles()) {
      LiveFile f = state.file(path);
      if (f == null) {
        throw Errors.conflict(space, "data file " + path + " was removed while its index was built");
      }
      if (state.buildCovering(path) != null) {
        throw Errors.conflict(space, "data file " + path + " was indexed by another build meanwhile");
      }
    }
    List<IndexBuild> covering = build.isEmpty() ? List.of() : List.of(new IndexBuild(build.id(), build.coveredFiles()));
    return new CommitPlan("buildIndex", List.of(), List.of(), Map.of(), build.partitions(), covering, List.of(), 0, 0);
  }
}
