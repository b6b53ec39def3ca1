package io.embeddinghub.log;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One committed version: the files it adds and removes and the rows it deletes from existing
 * files. Version 0 also carries the space's metadata (and, for a fork, the parent's files).
 *
 * @param deletes for each data file path, the row positions this version deletes
 * @param indexAdds index partitions this version adds
 * @param indexBuilds the index builds those partitions belong to, with the data files each covers
 *     (a build's partitions are added in one version, with the build)
 * @param indexRemoves paths of index partitions this version removes
 * @param rowsAdded rows written by this version
 * @param rowsDeleted live rows this version deleted or replaced
 * @param size number of keys in the space after this version
 */
public record LogEntry(
    long version,
    long timestampMillis,
    String operation,
    SpaceMetadata metadata,
    List<DataFile> adds,
    List<String> removes,
    Map<String, DeletionVector> deletes,
    List<IndexPartition> indexAdds,
    List<IndexBuild> indexBuilds,
    List<String> indexRemoves,
    long rowsAdded,
    long rowsDeleted,
    long size) {
  public LogEntry {
    Objects.requireNonNull(operation, "operation");
    adds = List.copyOf(adds);
    removes = List.copyOf(removes);
    deletes = Map.copyOf(deletes);
    indexAdds = List.copyOf(indexAdds);
    indexBuilds = List.copyOf(indexBuilds);
    checkBuilds(version, indexAdds, indexBuilds);
    indexRemoves = List.copyOf(indexRemoves);
    if (version == 0 && metadata == null) {
      throw new IllegalArgumentException("Version 0 must carry the space metadata");
    }
  }

  /** An entry that changes no index partition. */
  public LogEntry(
      long version,
      long timestampMillis,
      String operation,
      SpaceMetadata metadata,
      List<DataFile> adds,
      List<String> removes,
      Map<String, DeletionVector> deletes,
      long rowsAdded,
      long rowsDeleted,
      long size) {
    this(version, timestampMillis, operation, metadata, adds, removes, deletes, List.of(), List.of(), List.of(),
        rowsAdded, rowsDeleted, size);
  }

  /** Every added partition belongs to a build this entry adds, and every added build has a partition. */
  private static void checkBuilds(long version, List<IndexPartition> partitions, List<IndexBuild> builds) {
    Set<String> ids = new HashSet<>();
    for (IndexBuild b : builds) {
      if (!ids.add(b.id())) {
        throw new IllegalArgumentException("Version " + version + " adds index build " + b.id() + " twice");
      }
    }
    Set<String> withPartitions = new HashSet<>();
    for (IndexPartition p : partitions) {
      if (!ids.contains(p.build())) {
        throw new IllegalArgumentException("Version " + version + " adds index partition " + p.path()
            + " of build " + p.build() + ", which it does not add");
      }
      withPartitions.add(p.build());
    }
    ids.removeAll(withPartitions);
    if (!ids.isEmpty()) {
      throw new IllegalArgumentException("Version " + version + " adds index builds without partitions: " + ids);
    }
  }
}
