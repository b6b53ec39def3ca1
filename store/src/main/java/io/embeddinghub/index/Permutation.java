package io.embeddinghub.index;

/**
 * Reorders fixed-size slots of a primitive array in place, cycle by cycle, with one slot of
 * scratch and a bit per slot: what renumbering a graph's link lists, its rows' vectors and their
 * row references in breadth-first order needs without a second copy of any of them.
 */
public final class Permutation {
  private Permutation() {}

  /**
   * Slot {@code i} of {@code array} (a primitive array of {@code order.length * stride} elements)
   * becomes the old slot {@code order[i]}.
   *
   * @param array an {@code int[]}, {@code float[]} or other primitive array
   * @param stride elements per slot
   * @param order for each new slot, the old slot it takes (a permutation of 0 .. n - 1)
   */
  public static void inPlace(Object array, int stride, int[] order) {
    int n = order.length;
    long[] done = new long[(n + 63) >>> 6];
    Object held = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), stride);
    for (int start = 0; start < n; start++) {
      if ((done[start >>> 6] & (1L << start)) != 0) {
        continue;
      }
      System.arraycopy(array, start * stride, held, 0, stride);
      for (int i = start; ; ) {
        done[i >>> 6] |= 1L << i;
        int from = order[i];
        if (from == start) {
          System.arraycopy(held, 0, array, i * stride, stride);
          break;
        }
        System.arraycopy(array, from * stride, array, i * stride, stride);
        i = from;
      }
    }
  }
}
