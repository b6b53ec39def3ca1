package io.embeddinghub.log;

import java.io.Serializable;
import java.util.Objects;

/**
 * A Parquet data file as recorded in the log. Immutable: a file never changes after it is
 * committed; deletions of its rows are tracked separately as a {@link DeletionVector}.
 *
 * @param path path relative to the hub root (a fork references its parent's files by path)
 * @param bucket the key bucket every row of the file belongs to
 * @param rows number of rows in the file
 * @param sizeBytes file length, checked before reading so truncation is detected
 * @param minKey smallest key in the file (rows are sorted by key)
 * @param maxKey largest key in the file
 * @param indexPath the file's HNSW index file, relative to the hub root; null when it has none
 * @param tail the CRC-32 of the file's bytes after its last column chunk (page indexes, bloom
 *     filters, footer: what Parquet's page checksums do not cover and point reads trust); null for
 *     files written before it was recorded
 */
public record DataFile(
    String path, int bucket, long rows, long sizeBytes, String minKey, String maxKey, String indexPath, Tail tail)
    implements Serializable {
  /** The CRC-32 of bytes {@code [offset, sizeBytes)} of the file. */
  public record Tail(long offset, long crc) implements Serializable {
    public Tail {
      if (offset < 0 || crc < 0 || crc > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("Invalid file tail: offset=" + offset + " crc=" + crc);
      }
    }
  }

  /** A file without a recorded tail checksum. */
  public DataFile(String path, int bucket, long rows, long sizeBytes, String minKey, String maxKey, String indexPath) {
    this(path, bucket, rows, sizeBytes, minKey, maxKey, indexPath, null);
  }

  public DataFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(minKey, "minKey");
    Objects.requireNonNull(maxKey, "maxKey");
    if (bucket < 0 || rows <= 0 || sizeBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid data file entry " + path + ": bucket=" + bucket + " rows=" + rows + " size=" + sizeBytes);
    }
    if (tail != null && tail.offset() >= sizeBytes) {
      throw new IllegalArgumentException(
          "Invalid data file entry " + path + ": tail offset " + tail.offset() + " is not below its size " + sizeBytes);
    }
  }

  /** This entry with its index file. */
  public DataFile withIndex(String indexFilePath) {
    return new DataFile(path, bucket, rows, sizeBytes, minKey, maxKey, indexFilePath, tail);
  }

  /** Whether {@code key} lies within this file's key range (it may still be absent). */
  public boolean mayContain(String key) {
    return KeyOrder.compare(minKey, key) <= 0 && KeyOrder.compare(key, maxKey) <= 0;
  }
}
