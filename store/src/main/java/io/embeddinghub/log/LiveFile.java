package io.embeddinghub.log;

import java.util.Objects;

/** A data file of a version together with the rows of it that are deleted in that version. */
public record LiveFile(DataFile file, DeletionVector deleted) implements java.io.Serializable {
  public LiveFile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(deleted, "deleted");
  }

  public long liveRows() {
    return file.rows() - deleted.cardinality();
  }

  public boolean isLive(int position) {
    return !deleted.contains(position);
  }
}
