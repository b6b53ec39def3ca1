package io.embeddinghub.table;

import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.SpaceMetadata;
import java.util.List;
import java.util.Map;

/**
 * The changes one operation wants to commit on top of a given version: data files to add and
 * remove, rows to delete, index builds and partitions to add and partitions to remove, and the row counts for the history.
 */
public record CommitPlan(
    String operation,
    List<DataFile> adds,
    List<String> removes,
    Map<String, DeletionVector> deletes,
    List<IndexPartition> indexAdds,
    List<IndexBuild> indexBuilds,
    List<String> indexRemoves,
    long rowsAdded,
    long rowsDeleted) {

  public CommitPlan {
    adds = List.copyOf(adds);
    removes = List.copyOf(removes);
    deletes = Map.copyOf(deletes);
    indexAdds = List.copyOf(indexAdds);
    indexBuilds = List.copyOf(indexBuilds);
    indexRemoves = List.copyOf(indexRemoves);
  }

  /** A plan that changes no index partition. */
  public CommitPlan(
      String operation, List<DataFile> adds, List<String> removes, Map<String, DeletionVector> deletes,
      long rowsAdded, long rowsDeleted) {
    this(operation, adds, removes, deletes, List.of(), List.of(), List.of(), rowsAdded, rowsDeleted);
  }

  /**
   * This plan also removing the index builds that cover a data file it removes (a build's
   * partitions go together), so that no live partition references a removed file.
   */
  CommitPlan removingIndexesOf(SpaceState state) {
    java.util.Set<String> builds = new java.util.HashSet<>();
    for (String removed : removes) {
      String build = state.buildCovering(removed);
      if (build != null) {
        builds.add(build);
      }
    }
    if (builds.isEmpty()) {
      return this;
    }
    List<String> partitions = new java.util.ArrayList<>(indexRemoves);
    for (IndexPartition p : state.partitions()) {
      if (builds.contains(p.build())) {
        partitions.add(p.path());
      }
    }
    return new CommitPlan(operation, adds, removes, deletes, indexAdds, indexBuilds, partitions, rowsAdded, rowsDeleted);
  }

  /** This plan under another operation name (for the history). */
  CommitPlan withOperation(String name) {
    return new CommitPlan(name, adds, removes, deletes, indexAdds, indexBuilds, indexRemoves, rowsAdded, rowsDeleted);
  }

  /** This plan also removing {@code partitions}. */
  CommitPlan withIndexRemoves(List<String> partitions) {
    if (partitions.isEmpty()) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(indexRemoves);
    all.addAll(partitions);
    return new CommitPlan(operation, adds, removes, deletes, indexAdds, indexBuilds, all, rowsAdded, rowsDeleted);
  }

  /** This plan also adding the index builds and partitions {@code other} adds. */
  CommitPlan withIndexAddsOf(CommitPlan other) {
    List<IndexPartition> partitions = new java.util.ArrayList<>(indexAdds);
    partitions.addAll(other.indexAdds);
    List<IndexBuild> builds = new java.util.ArrayList<>(indexBuilds);
    builds.addAll(other.indexBuilds);
    return new CommitPlan(operation, adds, removes, deletes, partitions, builds, indexRemoves, rowsAdded, rowsDeleted);
  }

  /** Whether committing would change nothing (then no version is written). */
  public boolean isEmpty() {
    return adds.isEmpty() && removes.isEmpty() && deletes.isEmpty() && indexAdds.isEmpty() && indexRemoves.isEmpty();
  }

  LogEntry toEntry(long version, long timestampMillis, long sizeBefore, SpaceMetadata metadata) {
    return new LogEntry(
        version,
        timestampMillis,
        operation,
        metadata,
        adds,
        removes,
        deletes,
        indexAdds,
        indexBuilds,
        indexRemoves,
        rowsAdded,
        rowsDeleted,
        sizeBefore + rowsAdded - rowsDeleted);
  }
}
