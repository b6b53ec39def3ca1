package io.embeddinghub.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete, immutable (and serializable, for Spark tasks) state of a space at one version: its
 * metadata, its live data files with their deletion vectors, and its live index builds and their
 * partitions. Built from a checkpoint and the log entries after it; every read
 * of a version works from one of these, so a reader never sees a partial commit.
 */
public final class SpaceState implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final SpaceMetadata metadata;
  private final long version;
  private final long timestampMillis;
  private final Map<String, LiveFile> files;
  private final Map<Integer, List<LiveFile>> filesByBucket;
  private final Map<String, IndexPartition> partitions;
  private final Map<String, IndexBuild> indexBuilds;
  private final Map<String, String> buildOfFile;
  private final List<LiveFile> unindexed;
  private final long unindexedRows;
  /** The buckets whose unindexed files hold live rows. */
  private final java.util.BitSet bucketsWithUnindexedRows = new java.util.BitSet();
  private final List<List<IndexPartition>> builds;
  private final long size;

  public SpaceState(
      SpaceMetadata metadata, long version, long timestampMillis, Map<String, LiveFile> files) {
    this(metadata, version, timestampMillis, files, Map.of(), Map.of());
  }

  /**
   * @param partitions live index partitions by path, each of a build in {@code indexBuilds}
   * @param indexBuilds live index builds by id, each with a partition; they cover only live files,
   *     and no file is covered by two builds
   */
  public SpaceState(
      SpaceMetadata metadata,
      long version,
      long timestampMillis,
      Map<String, LiveFile> files,
      Map<String, IndexPartition> partitions,
      Map<String, IndexBuild> indexBuilds) {
    this.metadata = metadata;
    this.version = version;
    this.timestampMillis = timestampMillis;
    this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    this.partitions = Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
    this.indexBuilds = Collections.unmodifiableMap(new LinkedHashMap<>(indexBuilds));
    java.util.Set<String> withPartitions = new java.util.HashSet<>();
    for (IndexPartition p : this.partitions.values()) {
      if (!this.indexBuilds.containsKey(p.build())) {
        throw new IllegalStateException(
            "Index partition " + p.path() + " belongs to build " + p.build() + ", which is not live in version " + version);
      }
      withPartitions.add(p.build());
    }
    Map<String, String> covered = new HashMap<>();
    for (IndexBuild b : this.indexBuilds.values()) {
      if (!withPartitions.contains(b.id())) {
        throw new IllegalStateException("Index build " + b.id() + " has no partition in version " + version);
      }
      for (String dataFile : b.dataFiles()) {
        if (!this.files.containsKey(dataFile)) {
          throw new IllegalStateException(
              "Index build " + b.id() + " covers " + dataFile + ", which is not live in version " + version);
        }
        String other = covered.put(dataFile, b.id());
        if (other != null) {
          throw new IllegalStateException(
              "Data file " + dataFile + " is covered by two index builds in version " + version
                  + ": " + other + " and " + b.id());
        }
      }
    }
    this.buildOfFile = Collections.unmodifiableMap(covered);
    List<LiveFile> tail = new ArrayList<>();
    long tailRows = 0;
    for (LiveFile f : this.files.values()) {
      if (!covered.containsKey(f.file().path())) {
        tail.add(f);
        tailRows += f.liveRows();
        if (f.liveRows() > 0) {
          bucketsWithUnindexedRows.set(f.file().bucket());
        }
      }
    }
    this.unindexed = List.copyOf(tail);
    this.unindexedRows = tailRows;
    Map<String, List<IndexPartition>> byBuild = new LinkedHashMap<>();
    for (IndexPartition p : this.partitions.values()) {
      byBuild.computeIfAbsent(p.build(), b -> new ArrayList<>()).add(p);
    }
    List<List<IndexPartition>> grouped = new ArrayList<>();
    byBuild.values().forEach(g -> grouped.add(List.copyOf(g)));
    this.builds = List.copyOf(grouped);
    Map<Integer, List<LiveFile>> byBucket = new HashMap<>();
    long live = 0;
    for (LiveFile f : this.files.values()) {
      byBucket.computeIfAbsent(f.file().bucket(), b -> new ArrayList<>()).add(f);
      live += f.liveRows();
    }
    byBucket.replaceAll((b, list) -> List.copyOf(list));
    this.filesByBucket = Collections.unmodifiableMap(byBucket);
    this.size = live;
  }

  /** The state after version 0 (an entry that carries metadata). */
  public static SpaceState initial(LogEntry first) {
    if (first.metadata() == null) {
      throw new IllegalArgumentException("Entry " + first.version() + " carries no metadata");
    }
    return new SpaceState(first.metadata(), -1, 0, Map.of()).apply(first);
  }

  /** The state after applying the next log entry. */
  public SpaceState apply(LogEntry entry) {
    if (entry.version() != version + 1) {
      throw new IllegalStateException(
          "Log entry " + entry.version() + " does not follow version " + version);
    }
    Map<String, IndexPartition> nextPartitions = new LinkedHashMap<>(partitions);
    Map<String, IndexBuild> nextBuilds = new LinkedHashMap<>(indexBuilds);
    java.util.Set<String> removedBuilds = new java.util.HashSet<>();
    for (String removed : entry.indexRemoves()) {
      IndexPartition p = nextPartitions.remove(removed);
      if (p == null) {
        throw new IllegalStateException(
            "Version " + entry.version() + " removes index partition " + removed + ", which is not in version " + version);
      }
      removedBuilds.add(p.build());
    }
    for (IndexPartition left : nextPartitions.values()) {
      if (removedBuilds.contains(left.build())) {
        throw new IllegalStateException("Version " + entry.version() + " removes only some partitions of index build "
            + left.build() + " (keeps " + left.path() + ")");
      }
    }
    Map<String, LiveFile> next = new LinkedHashMap<>(files);
    for (String removed : entry.removes()) {
      if (next.remove(removed) == null) {
        throw new IllegalStateException(
            "Version " + entry.version() + " removes " + removed + ", which is not in version " + version);
      }
    }
    for (DataFile added : entry.adds()) {
      next.put(added.path(), new LiveFile(added, DeletionVector.EMPTY));
    }
    for (Map.Entry<String, DeletionVector> d : entry.deletes().entrySet()) {
      LiveFile f = next.get(d.getKey());
      if (f == null) {
        throw new IllegalStateException(
            "Version " + entry.version() + " deletes rows of " + d.getKey() + ", which is not live");
      }
      if (d.getValue().max() >= f.file().rows()) {
        throw new IllegalStateException(
            "Version " + entry.version() + " deletes row " + d.getValue().max() + " of "
                + d.getKey() + ", which has " + f.file().rows() + " rows");
      }
      next.put(d.getKey(), new LiveFile(f.file(), f.deleted().union(d.getValue())));
    }
    nextBuilds.keySet().removeAll(removedBuilds);
    for (IndexBuild added : entry.indexBuilds()) {
      if (nextBuilds.put(added.id(), added) != null) {
        throw new IllegalStateException(
            "Version " + entry.version() + " adds index build " + added.id() + ", which is in version " + version);
      }
    }
    for (IndexPartition added : entry.indexAdds()) {
      if (nextPartitions.put(added.path(), added) != null) {
        throw new IllegalStateException(
            "Version " + entry.version() + " adds index partition " + added.path() + ", which is in version " + version);
      }
    }
    SpaceMetadata meta = entry.metadata() != null ? entry.metadata() : metadata;
    return new SpaceState(meta, entry.version(), entry.timestampMillis(), next, nextPartitions, nextBuilds);
  }

  public SpaceMetadata metadata() {
    return metadata;
  }

  public long version() {
    return version;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  /** Live files in the order they were added. */
  public Collection<LiveFile> files() {
    return files.values();
  }

  public LiveFile file(String path) {
    return files.get(path);
  }

  /** Live index partitions in the order they were added. */
  public Collection<IndexPartition> partitions() {
    return partitions.values();
  }

  public IndexPartition partition(String path) {
    return partitions.get(path);
  }

  /** Live index builds (with the data files each covers) in the order they were added. */
  public Collection<IndexBuild> indexBuilds() {
    return indexBuilds.values();
  }

  /** The live index build {@code id}, or null. */
  public IndexBuild indexBuild(String id) {
    return indexBuilds.get(id);
  }

  /** The id of the index build covering a data file, or null when the file is in the tail. */
  public String buildCovering(String dataFile) {
    return buildOfFile.get(dataFile);
  }

  /** The unindexed tail: live files no index partition covers, in the order they were added. */
  public List<LiveFile> unindexedFiles() {
    return unindexed;
  }

  /** Whether the unindexed files of {@code bucket} hold live rows. */
  public boolean hasUnindexedRows(int bucket) {
    return bucketsWithUnindexedRows.get(bucket);
  }

  /** Live rows of the unindexed tail. */
  public long unindexedRows() {
    return unindexedRows;
  }

  /** The live index partitions grouped by build, builds and partitions in the order they were added. */
  public List<List<IndexPartition>> builds() {
    return builds;
  }

  /** Live files of one bucket in the order they were added. */
  public List<LiveFile> filesInBucket(int bucket) {
    return filesByBucket.getOrDefault(bucket, List.of());
  }

  /** Number of live keys. */
  public long size() {
    return size;
  }

  @Override
  public String toString() {
    return "SpaceState{" + metadata.spec().name() + "@" + version + ", files=" + files.size()
        + ", partitions=" + partitions.size() + ", size=" + size + "}";
  }
}
