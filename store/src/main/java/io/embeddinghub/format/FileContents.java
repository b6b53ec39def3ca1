package io.embeddinghub.format;

import io.embeddinghub.log.KeyOrder;
import java.util.Arrays;

/**
 * The rows of one data file in memory: keys in file order (sorted by {@link KeyOrder}) and,
 * unless only keys were read, the embeddings as one flat array ({@code dimensions} floats a row).
 * Immutable once built; shared by every reader through {@link FileContentsCache}.
 */
public final class FileContents {
  private final String[] keys;
  private final float[] vectors;
  private final int dimensions;
  private final long weightBytes;

  public FileContents(String[] keys, float[] vectors, int dimensions) {
    if (vectors != null && vectors.length != (long) keys.length * dimensions) {
      throw new IllegalArgumentException(
          "Expected " + keys.length + " x " + dimensions + " floats, got " + vectors.length);
    }
    this.keys = keys;
    this.vectors = vectors;
    this.dimensions = dimensions;
    long keyBytes = 0;
    for (String k : keys) {
      keyBytes += 40 + 2L * k.length();
    }
    this.weightBytes = 64 + keyBytes + (vectors == null ? 0 : 16 + 4L * vectors.length);
  }

  public int rows() {
    return keys.length;
  }

  public boolean hasVectors() {
    return vectors != null;
  }

  public String key(int row) {
    return keys[row];
  }

  /** Row position of {@code key}, or a negative number when absent. */
  public int indexOf(String key) {
    return Arrays.binarySearch(keys, key, KeyOrder.COMPARATOR);
  }

  /** A copy of the embedding at {@code row}. */
  public float[] vector(int row) {
    int from = row * dimensions;
    return Arrays.copyOfRange(vectors, from, from + dimensions);
  }

  /** The flat embedding array itself (not a copy): read-only by contract. */
  public float[] flatVectors() {
    return vectors;
  }

  public int dimensions() {
    return dimensions;
  }

  /** Approximate heap bytes, for the cache's budget. */
  public long weightBytes() {
    return weightBytes;
  }
}
