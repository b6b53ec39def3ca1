package io.embeddinghub.index;

/**
 * Where a partition's float rows lie in its data files, for an index file that does not copy them
 * ({@link IndexFile}, format 3): each node's byte offset in its data file, and for cosine the
 * factor that makes its raw row unit length ({@link IndexedRows#prepare}'s arithmetic).
 *
 * @param fileOffsets byte offset of each node's first float in its data file, in node order
 * @param scales cosine's unit-length factor of each node, in node order; null for other metrics
 */
public record RowLocations(long[] fileOffsets, double[] scales) {
  public RowLocations {
    if (scales != null && scales.length != fileOffsets.length) {
      throw new IllegalArgumentException(
          scales.length + " scales for " + fileOffsets.length + " rows");
    }
  }
}
