package io.embeddinghub.engine;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.log.DeletionVector;

/**
 * A cursor over one data file's live rows, in key order: {@link #next} moves to the next live
 * row, {@link #key} and {@link #vector} read it. Not thread-safe.
 */
public final class FileRows {
  private final FileContents contents;
  private final DeletionVector deleted;
  private final boolean keysOnly;
  private int row = -1;

  FileRows(FileContents contents, DeletionVector deleted, boolean keysOnly) {
    this.contents = contents;
    this.deleted = deleted;
    this.keysOnly = keysOnly;
  }

  /**
   * Moves to the next live row.
   *
   * @return false when there is none
   */
  public boolean next() {
    do {
      row++;
    } while (row < contents.rows() && deleted.contains(row));
    return row < contents.rows();
  }

  /**
   * The current row's key.
   *
   * @return the key
   * @throws IllegalStateException before the first or after the last {@link #next}
   */
  public String key() {
    checkOnRow();
    return contents.key(row);
  }

  /**
   * The current row's embedding, shared with the cache: it must not be changed.
   *
   * @return the embedding
   * @throws IllegalStateException before the first or after the last {@link #next}, or when
   *     only keys were read
   */
  public float[] vector() {
    checkOnRow();
    if (keysOnly) {
      throw new IllegalStateException("Only the keys of this file were read");
    }
    return contents.vector(row);
  }

  private void checkOnRow() {
    if (row < 0 || row >= contents.rows()) {
      throw new IllegalStateException("Not on a row: call next() first and only while it returns true");
    }
  }
}
