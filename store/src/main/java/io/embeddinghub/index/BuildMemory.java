package io.embeddinghub.index;

import io.embeddinghub.IndexParams;

/**
 * The heap one index partition's build holds at its peak, as a function of its rows: the rows'
 * vectors as read, as prepared for the metric and as renumbered in breadth-first order, the
 * construction graph and the flat graph made from it (two layer-0 lists of {@code 2M} neighbours
 * per row), keys and row references. An upper estimate, so that a partition sized by {@link
 * #maxRowsFor} fits the budget it was sized for.
 */
public final class BuildMemory {
  /** Copies of a row's vector alive at the peak. */
  private static final int VECTOR_COPIES = 4;
  /** Key, row reference and object headers per row, bytes. */
  private static final int ROW_OVERHEAD_BYTES = 128;
  /** Buffers and structures independent of the rows, bytes. */
  private static final long FIXED_BYTES = 16L << 20;

  private BuildMemory() {}

  /** The heap a build of {@code rows} rows of {@code dims} floats needs at its peak, bytes. */
  public static long peakBytes(long rows, int dims, IndexParams params) {
    return FIXED_BYTES + rows * bytesPerRow(dims, params);
  }

  /** The most rows whose build fits {@code budgetBytes} (at least 1). */
  public static long maxRowsFor(long budgetBytes, int dims, IndexParams params) {
    return Math.max(1, (budgetBytes - FIXED_BYTES) / bytesPerRow(dims, params));
  }

  private static long bytesPerRow(int dims, IndexParams params) {
    long graph = 2L * (2L * params.m()) * Integer.BYTES;
    return VECTOR_COPIES * (long) dims * Float.BYTES + graph + ROW_OVERHEAD_BYTES;
  }
}
