package io.embeddinghub.engine;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.RowDeletes;
import java.io.Serializable;
import java.util.Objects;

/**
 * Live rows found for deletion in one pinned version ({@link SnapshotReader#findRows}), by their
 * positions in the version's files: what a multidelete task returns to the driver, which adds the
 * tasks' rows up ({@link #plus}) and commits them ({@link EngineSpace#commitDeletes}).
 * Serializable and immutable.
 */
public final class FoundRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No rows. */
  public static final FoundRows NONE = new FoundRows(RowDeletes.NONE);

  /** The rows' positions by file, and the buckets they were looked up in. */
  private final RowDeletes deletes;

  FoundRows(RowDeletes deletes) {
    this.deletes = Objects.requireNonNull(deletes, "deletes");
  }

  /**
   * These rows and another task's.
   *
   * @param other rows found in the same version
   * @return both together
   */
  public FoundRows plus(FoundRows other) {
    Errors.checkNotNull(other, "other");
    return new FoundRows(deletes.plus(other.deletes));
  }

  /**
   * How many rows were found.
   *
   * @return the row count
   */
  public long rows() {
    return deletes.rows();
  }

  RowDeletes deletes() {
    return deletes;
  }

  @Override
  public String toString() {
    return deletes.toString();
  }
}
