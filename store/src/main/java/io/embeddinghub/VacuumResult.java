package io.embeddinghub;

import java.util.ArrayList;
import java.util.List;

/**
 * What a vacuum did (or, for a {@linkplain VacuumOptions#dryRun() dry run}, would do):
 * unreferenced files deleted (with their total size), log versions expired (no longer readable
 * by time travel), and the deleted files' hub-relative paths.
 */
public record VacuumResult(int filesDeleted, long bytesDeleted, int versionsExpired, List<String> files)
    implements java.io.Serializable {
  public VacuumResult {
    files = List.copyOf(files);
  }

  public VacuumResult(int filesDeleted, long bytesDeleted, int versionsExpired) {
    this(filesDeleted, bytesDeleted, versionsExpired, List.of());
  }

  public VacuumResult plus(VacuumResult other) {
    List<String> all = new ArrayList<>(files);
    all.addAll(other.files);
    return new VacuumResult(
        filesDeleted + other.filesDeleted,
        bytesDeleted + other.bytesDeleted,
        versionsExpired + other.versionsExpired,
        all);
  }
}
