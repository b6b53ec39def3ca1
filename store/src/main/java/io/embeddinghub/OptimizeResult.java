package io.embeddinghub;

/**
 * What {@link Space#optimize()} did: the last version it committed (or the unchanged latest
 * version when nothing needed doing), data files replaced and written, live rows rewritten, and
 * index partitions built over the unindexed tail.
 *
 * @param version the last version optimize committed, or the unchanged latest version
 * @param filesRemoved data files replaced by compaction
 * @param filesAdded data files written by compaction
 * @param rowsRewritten live rows copied into the new files
 * @param partitionsBuilt index partitions built over the unindexed tail
 */
public record OptimizeResult(long version, int filesRemoved, int filesAdded, long rowsRewritten, int partitionsBuilt) {
  /**
   * A compaction that built no index.
   *
   * @param version the last version optimize committed, or the unchanged latest version
   * @param filesRemoved data files replaced by compaction
   * @param filesAdded data files written by compaction
   * @param rowsRewritten live rows copied into the new files
   */
  public OptimizeResult(long version, int filesRemoved, int filesAdded, long rowsRewritten) {
    this(version, filesRemoved, filesAdded, rowsRewritten, 0);
  }
}
