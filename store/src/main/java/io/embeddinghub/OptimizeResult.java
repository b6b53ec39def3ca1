package io.embeddinghub;

/**
 * What {@link Space#optimize()} did: the last version it committed (or the unchanged latest
 * version when nothing needed doing), data files replaced and written, live rows rewritten, and
 * index partitions built over the unindexed tail.
 */
public record OptimizeResult(long version, int filesRemoved, int filesAdded, long rowsRewritten, int partitionsBuilt) {
  /** A compaction that built no index. */
  public OptimizeResult(long version, int filesRemoved, int filesAdded, long rowsRewritten) {
    this(version, filesRemoved, filesAdded, rowsRewritten, 0);
  }
}
