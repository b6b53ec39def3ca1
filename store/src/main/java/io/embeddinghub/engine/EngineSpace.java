package io.embeddinghub.engine;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.SpaceOperations;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * One space of an {@link EngineHub}: pins versions for reading and commits what an engine's
 * tasks wrote or found. Every commit is optimistic and makes one version. Thread-safe.
 */
public final class EngineSpace {
  private final EngineHub hub;
  private final SpaceOperations engine;

  EngineSpace(EngineHub hub, SpaceOperations engine) {
    this.hub = hub;
    this.engine = engine;
  }

  /**
   * The space's name.
   *
   * @return the name
   */
  public String name() {
    return engine.name();
  }

  /**
   * The space's settings.
   *
   * @return the settings
   */
  public SpaceSpec spec() {
    return engine.spec();
  }

  /**
   * Every retained version, oldest first, as {@link io.embeddinghub.Space#history()} lists them.
   *
   * @return the versions
   */
  public List<io.embeddinghub.VersionInfo> history() {
    return engine.history();
  }

  /**
   * Pins the latest version, read from the log now.
   *
   * @return the pinned version
   */
  public EngineSnapshot latest() {
    return new EngineSnapshot(engine.latest());
  }

  /**
   * Pins a version by number.
   *
   * @param version the version
   * @return the pinned version
   * @throws io.embeddinghub.VersionNotFoundException when it does not exist or was vacuumed
   */
  public EngineSnapshot at(long version) {
    return new EngineSnapshot(engine.at(version));
  }

  /**
   * Pins the last version committed at or before a time.
   *
   * @param timestamp the time
   * @return the pinned version
   * @throws io.embeddinghub.VersionNotFoundException when no version is that old
   */
  public EngineSnapshot asOf(Instant timestamp) {
    return new EngineSnapshot(engine.asOf(timestamp));
  }

  /**
   * Deletes keys as one version.
   *
   * @param keys the keys; absent ones are ignored
   * @return how many of them were present
   * @throws io.embeddinghub.InvalidInputException when a key is not a valid key
   */
  public long delete(Collection<String> keys) {
    return engine.delete(keys);
  }

  /** Deletes every row as one version. */
  public void deleteAll() {
    engine.deleteAll();
  }

  /**
   * Commits files written by {@link FileWriter}s as one version. When the commit certainly
   * failed the files are deleted; when its outcome is unknown they are kept (the version may have
   * landed and reference them).
   *
   * @param operation the operation's name recorded in the version's history
   * @param files the files, in write order: where a key repeats, the later file wins
   * @param replaceAll whether the files replace the whole content (an overwrite) rather than
   *     upsert into it
   * @return the version committed (the latest one when there was nothing to commit)
   * @throws io.embeddinghub.CommitConflictException when a concurrent commit could not be
   *     reconciled
   */
  public EngineSnapshot commitFiles(String operation, List<WrittenFile> files, boolean replaceAll) {
    return new EngineSnapshot(engine.commitWrittenFiles(operation, WrittenFile.dataFiles(files), replaceAll));
  }

  /**
   * Commits rows found against {@code base} by {@link SnapshotReader#findRows} as one version.
   * Commits since {@code base} in other buckets are fine; one that changed the files of a bucket
   * the rows were found in makes them stale.
   *
   * @param base the version the rows were found in
   * @param rows the rows to delete
   * @return how many rows were deleted
   * @throws io.embeddinghub.CommitConflictException when the rows are stale: find them again
   */
  public long commitDeletes(EngineSnapshot base, FoundRows rows) {
    Errors.checkNotNull(base, "base");
    Errors.checkNotNull(rows, "rows");
    return engine.commitDeletes(base.state(), rows.deletes());
  }

  /**
   * The hub the space belongs to.
   *
   * @return the hub
   */
  public EngineHub hub() {
    return hub;
  }

  @Override
  public String toString() {
    return "EngineSpace(" + name() + ")";
  }
}
