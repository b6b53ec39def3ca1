package io.embeddinghub.table;

import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.SpaceMetadata;
import java.util.List;
import java.util.Map;

/**
 * The changes one operation wants to commit on top of a given version: files to add and remove,
 * rows to delete, and the row counts for the history.
 */
public record CommitPlan(
    String operation,
    List<DataFile> adds,
    List<String> removes,
    Map<String, DeletionVector> deletes,
    long rowsAdded,
    long rowsDeleted) {

  public CommitPlan {
    adds = List.copyOf(adds);
    removes = List.copyOf(removes);
    deletes = Map.copyOf(deletes);
  }

  /** Whether committing would change nothing (then no version is written). */
  public boolean isEmpty() {
    return adds.isEmpty() && removes.isEmpty() && deletes.isEmpty();
  }

  LogEntry toEntry(long version, long timestampMillis, long sizeBefore, SpaceMetadata metadata) {
    return new LogEntry(
        version,
        timestampMillis,
        operation,
        metadata,
        adds,
        removes,
        deletes,
        rowsAdded,
        rowsDeleted,
        sizeBefore + rowsAdded - rowsDeleted);
  }
}
