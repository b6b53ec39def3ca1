package io.embeddinghub;

import java.util.ArrayList;
import java.util.List;

/**
 * What a vacuum did (or, for a {@linkplain VacuumOptions#dryRun() dry run}, would do):
 * unreferenced files deleted (with their total size), log versions expired (no longer readable
 * by time travel), and the deleted files' hub-relative paths.
 *
 * @param filesDeleted number of files deleted
 * @param bytesDeleted their total size in bytes
 * @param versionsExpired number of log versions expired
 * @param files the deleted files' paths, relative to the hub root
 * @serial exclude Serialized by its components, documented above.
 */
public record VacuumResult(int filesDeleted, long bytesDeleted, int versionsExpired, List<String> files)
    implements java.io.Serializable {
  /**
   * Copies {@code files}.
   *
   * @param filesDeleted number of files deleted
   * @param bytesDeleted their total size in bytes
   * @param versionsExpired number of log versions expired
   * @param files the deleted files' paths, relative to the hub root
   */
  public VacuumResult {
    files = List.copyOf(files);
  }

  /**
   * A result without the list of paths.
   *
   * @param filesDeleted number of files deleted
   * @param bytesDeleted their total size in bytes
   * @param versionsExpired number of log versions expired
   */
  public VacuumResult(int filesDeleted, long bytesDeleted, int versionsExpired) {
    this(filesDeleted, bytesDeleted, versionsExpired, List.of());
  }

  /**
   * Sums two results (of two spaces, say).
   *
   * @param other the result to add
   * @return the summed counts, and this result's files followed by {@code other}'s
   */
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
