package io.embeddinghub;

/**
 * What an index build did: the version that committed its partitions (or the unchanged latest
 * version when the tail was empty or below {@link HubProperties#INDEX_MIN_ROWS}), how many
 * partitions it added, the rows they index, and how long building and writing them took.
 *
 * @param version the version that committed the partitions, or the unchanged latest version
 * @param partitionsAdded index partitions added
 * @param rowsIndexed rows the new partitions index
 * @param buildNanos time spent building and writing them, in nanoseconds
 */
public record IndexResult(long version, int partitionsAdded, long rowsIndexed, long buildNanos) {}
