package io.embeddinghub;

/**
 * What a vacuum did: unreferenced files deleted (with their total size) and log versions expired
 * (no longer readable by time travel).
 */
public record VacuumResult(int filesDeleted, long bytesDeleted, int versionsExpired) {
  public VacuumResult plus(VacuumResult other) {
    return new VacuumResult(
        filesDeleted + other.filesDeleted,
        bytesDeleted + other.bytesDeleted,
        versionsExpired + other.versionsExpired);
  }
}
