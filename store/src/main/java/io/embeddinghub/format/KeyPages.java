package io.embeddinghub.format;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.internal.column.columnindex.BoundaryOrder;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;

/**
 * Which pages of a row group's key column can hold given keys, by the column's page index: a
 * page can hold a key when the key lies within the page's min and max. The bounds are compared as
 * Parquet orders binary values (unsigned bytes), each converted once per row group however many
 * keys are asked; pages whose bounds ascend (a data file's keys are sorted) are found by binary
 * search, others by a scan. Bounds the writer truncated stay bounds, so no page that holds a key
 * is missed.
 */
final class KeyPages {
  private KeyPages() {}

  /**
   * The indexes of the pages that can hold one of {@code keys} (UTF-8 bytes, sorted unsigned), in
   * ascending order without repeats.
   */
  static int[] holding(ColumnIndex bounds, List<byte[]> keys) {
    List<ByteBuffer> minValues = bounds.getMinValues();
    List<ByteBuffer> maxValues = bounds.getMaxValues();
    List<Boolean> nullPages = bounds.getNullPages();
    int n = minValues.size();
    byte[][] mins = new byte[n][];
    byte[][] maxs = new byte[n][];
    for (int p = 0; p < n; p++) {
      mins[p] = bytes(minValues.get(p));
      maxs[p] = bytes(maxValues.get(p));
    }
    boolean[] kept = new boolean[n];
    boolean ascending = bounds.getBoundaryOrder() == BoundaryOrder.ASCENDING && !nullPages.contains(Boolean.TRUE);
    for (byte[] key : keys) {
      if (ascending) {
        int p = firstWithMaxAtLeast(maxs, key);
        // a key equal to a boundary can lie in the pages on both sides of it
        for (; p < n && Arrays.compareUnsigned(mins[p], key) <= 0; p++) {
          kept[p] = true;
        }
      } else {
        for (int p = 0; p < n; p++) {
          if (!nullPages.get(p) && Arrays.compareUnsigned(mins[p], key) <= 0
              && Arrays.compareUnsigned(key, maxs[p]) <= 0) {
            kept[p] = true;
          }
        }
      }
    }
    int count = 0;
    for (boolean k : kept) {
      count += k ? 1 : 0;
    }
    int[] pages = new int[count];
    for (int p = 0, i = 0; p < n; p++) {
      if (kept[p]) {
        pages[i++] = p;
      }
    }
    return pages;
  }

  /** The first page whose max is >= {@code key}, or {@code maxs.length}; maxs ascend. */
  private static int firstWithMaxAtLeast(byte[][] maxs, byte[] key) {
    int lo = 0;
    int hi = maxs.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(maxs[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static byte[] bytes(ByteBuffer value) {
    ByteBuffer b = value.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
