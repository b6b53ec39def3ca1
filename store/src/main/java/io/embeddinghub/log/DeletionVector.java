package io.embeddinghub.log;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * The deleted row positions of one data file (merge-on-read): an immutable sorted set of ints.
 * Serialized as base64 of varint-encoded gaps, so a log entry that deletes a few rows stays small.
 */
public final class DeletionVector implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public static final DeletionVector EMPTY = new DeletionVector(new int[0]);

  private final int[] positions;

  private DeletionVector(int[] sortedDistinct) {
    this.positions = sortedDistinct;
  }

  /** A vector holding the given positions (any order, duplicates allowed). */
  public static DeletionVector of(int... positions) {
    if (positions.length == 0) {
      return EMPTY;
    }
    int[] sorted = positions.clone();
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0) {
        throw new IllegalArgumentException("Negative row position " + sorted[i]);
      }
      if (n == 0 || sorted[n - 1] != sorted[i]) {
        sorted[n++] = sorted[i];
      }
    }
    return new DeletionVector(Arrays.copyOf(sorted, n));
  }

  public boolean contains(int position) {
    return Arrays.binarySearch(positions, position) >= 0;
  }

  /** The positions, ascending. */
  public java.util.stream.IntStream positions() {
    return Arrays.stream(positions);
  }

  public int cardinality() {
    return positions.length;
  }

  public boolean isEmpty() {
    return positions.length == 0;
  }

  /** Largest position, or -1 when empty. */
  public int max() {
    return positions.length == 0 ? -1 : positions[positions.length - 1];
  }

  public DeletionVector union(DeletionVector other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    int[] merged = new int[positions.length + other.positions.length];
    System.arraycopy(positions, 0, merged, 0, positions.length);
    System.arraycopy(other.positions, 0, merged, positions.length, other.positions.length);
    return of(merged);
  }

  public String encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(positions.length * 2 + 4);
    int previous = 0;
    for (int position : positions) {
      int gap = position - previous;
      previous = position;
      while ((gap & ~0x7F) != 0) {
        out.write((gap & 0x7F) | 0x80);
        gap >>>= 7;
      }
      out.write(gap);
    }
    return Base64.getEncoder().withoutPadding().encodeToString(out.toByteArray());
  }

  public static DeletionVector decode(String encoded) {
    byte[] bytes = Base64.getDecoder().decode(encoded);
    int[] out = new int[bytes.length];
    int n = 0;
    int previous = 0;
    int i = 0;
    while (i < bytes.length) {
      int value = 0;
      int shift = 0;
      int b;
      do {
        if (i >= bytes.length || shift > 28) {
          throw new IllegalArgumentException("Malformed deletion vector encoding");
        }
        b = bytes[i++];
        value |= (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      previous += value;
      out[n++] = previous;
    }
    return of(Arrays.copyOf(out, n));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeletionVector && Arrays.equals(positions, ((DeletionVector) o).positions);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(positions);
  }

  @Override
  public String toString() {
    return "DeletionVector" + (positions.length <= 16 ? Arrays.toString(positions) : "[" + positions.length + " rows]");
  }
}
