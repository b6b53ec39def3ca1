package io.embeddinghub;

import io.embeddinghub.engine.AfterWrite;
import io.embeddinghub.engine.EmbeddedApi;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.engine.VacuumJob;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.SpaceOperations;
import io.embeddinghub.table.StateReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A persistent vector space in a hub. Every read sees the latest committed version (including
 * other writers' commits); every write is one atomic version. Also the entry point to the
 * Snapshot interface: {@link #history()}, {@link #snapshot(long)}, {@link #asOf(Instant)},
 * {@link #fork(String)}, {@link #downloadSnapshot()}; and to maintenance: {@link #optimize()},
 * {@link #vacuum(Duration)}.
 *
 * <p>Thread-safe. Any number of {@code Space} objects, in any number of processes, may write the
 * same space: commits are optimistic and never lose an update.
 */
public final class Space extends StoredSpaceReads implements EmbeddingSpace {
  private final EmbeddingHub hub;
  private final SpaceOperations engine;

  Space(EmbeddingHub hub, SpaceOperations engine) {
    this.hub = hub;
    this.engine = engine;
  }

  @Override
  StateReader reader() {
    return engine.reader();
  }

  @Override
  io.embeddinghub.table.HubContext context() {
    return engine.context();
  }

  @Override
  public SpaceSpec spec() {
    return engine.spec();
  }

  /** {@return the hub this space belongs to} */
  public EmbeddingHub hub() {
    return hub;
  }

  /** {@return the latest committed version} */
  public long version() {
    return engine.latest().version();
  }

  @Override
  public void set(String key, float[] embedding) {
    afterWrite(engine.upsert("set", List.of(Map.entry(keyOrThrow(key), vectorOrThrow(key, embedding))).iterator()));
  }

  @Override
  public void multiset(Map<String, float[]> entries) {
    Errors.checkNotNull(entries, "entries");
    afterWrite(engine.upsert("multiset", entries.entrySet().iterator()));
  }

  @Override
  public void multiset(Iterator<? extends Map.Entry<String, float[]>> entries) {
    Errors.checkNotNull(entries, "entries");
    afterWrite(engine.upsert("multiset", entries));
  }

  @Override
  public boolean delete(String key) {
    Errors.checkKey(key);
    boolean deleted = engine.delete(List.of(key)) > 0;
    afterWrite(engine.lastSeen());
    return deleted;
  }

  @Override
  public long multidelete(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    long deleted = engine.delete(keys);
    afterWrite(engine.lastSeen());
    return deleted;
  }

  @Override
  public void deleteAll() {
    engine.deleteAll();
  }

  /** {@return every retained version, oldest first} */
  public List<VersionInfo> history() {
    return engine.history();
  }

  /**
   * A read-only view of one retained version.
   *
   * @param version the version to read
   * @return the snapshot
   * @throws VersionNotFoundException if the version does not exist or was vacuumed
   */
  public SpaceSnapshot snapshot(long version) {
    return new SpaceSnapshot(engine.context(), engine.at(version));
  }

  /** {@return a read-only view of the latest version} */
  public SpaceSnapshot snapshot() {
    return new SpaceSnapshot(engine.context(), engine.latest());
  }

  /**
   * A read-only view of the last version committed at or before {@code timestamp}.
   *
   * @param timestamp the point in time
   * @return the snapshot
   * @throws VersionNotFoundException if no retained version was committed by then
   * @throws InvalidInputException if {@code timestamp} is null
   */
  public SpaceSnapshot asOf(Instant timestamp) {
    Errors.checkNotNull(timestamp, "timestamp");
    return new SpaceSnapshot(engine.context(), engine.asOf(timestamp));
  }

  /**
   * Creates a new writable space holding this space's latest version; no data is copied.
   *
   * @param newName the name of the new space
   * @return the new space
   * @throws SpaceAlreadyExistsException if the hub already has a space named {@code newName}
   * @throws InvalidInputException if {@code newName} is not a valid space name
   */
  public Space fork(String newName) {
    return fork(newName, version());
  }

  /**
   * Creates a new writable space holding {@code version} of this space; no data is copied.
   *
   * @param newName the name of the new space
   * @param version the retained version to fork from
   * @return the new space
   * @throws VersionNotFoundException if the version does not exist or was vacuumed
   * @throws SpaceAlreadyExistsException if the hub already has a space named {@code newName}
   * @throws InvalidInputException if {@code newName} is not a valid space name
   */
  public Space fork(String newName, long version) {
    Errors.checkNotNull(newName, "newName");
    Errors.checkSpaceName(newName);
    return new Space(hub, SpaceOperations.fork(engine.context(), engine.at(version), newName));
  }

  /**
   * {@return an in-memory copy of the latest version} It has the same Key-Value and
   * Nearest-Neighbor interface.
   */
  public LocalSpace downloadSnapshot() {
    return downloadPinned();
  }

  /**
   * Merges each bucket's files and deletions into one file, then indexes the unindexed tail (see
   * {@link #buildIndex()}); see {@link OptimizeResult}.
   *
   * @return what was compacted and indexed, and the last version committed
   * @throws CommitConflictException if a concurrent writer changed a bucket being compacted
   */
  public OptimizeResult optimize() {
    return OptimizeJob.run(hub.runner(), name());
  }

  /**
   * Indexes the rows no index covers yet (the unindexed tail that writes leave: writes never build
   * graphs) as one version: one HNSW partition when their vectors fit the space's
   * {@link IndexParams#partitionBytes()}, otherwise partitions split by a coarse quantizer. Until
   * then queries scan the tail exactly, so answers are always complete; indexing makes them fast.
   *
   * @return the version committed, and the partitions and rows indexed
   */
  public IndexResult buildIndex() {
    engine.awaitIndexed(); // a pending background build indexes the same rows: join it
    return IndexBuildJob.run(hub.runner(), name());
  }

  /**
   * Waits for the background index build that writes start once the unindexed tail reaches
   * {@link HubProperties#INDEX_AUTO_TAIL_ROWS} rows (default 10,000), if one is pending.
   */
  public void awaitIndexed() {
    engine.awaitIndexed();
  }

  /**
   * Deletes files no version retained within {@code retention} needs, and expires older versions
   * (they can no longer be read; a reader still holding one gets a {@link VersionNotFoundException}
   * saying it was vacuumed). Files of other spaces' versions (forks) are never deleted.
   *
   * @param retention how long a version stays readable after a newer one replaced it
   * @return the files deleted and versions expired
   * @throws InvalidInputException if {@code retention} is shorter than the hub's
   *     {@link HubProperties#VACUUM_MIN_RETENTION} (default 1 hour); see
   *     {@link #vacuum(Duration, VacuumOptions)}
   */
  public VacuumResult vacuum(Duration retention) {
    return vacuum(retention, VacuumOptions.DEFAULT);
  }

  /**
   * {@link #vacuum(Duration)} with options, such as {@link VacuumOptions#withoutRetentionCheck()}.
   *
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the files deleted (or, for a dry run, that would be) and versions expired
   * @throws InvalidInputException if the retention check is on and {@code retention} is shorter
   *     than {@link HubProperties#VACUUM_MIN_RETENTION}
   */
  public VacuumResult vacuum(Duration retention, VacuumOptions options) {
    Errors.checkNotNull(retention, "retention");
    Errors.checkNotNull(options, "options");
    return VacuumJob.run(hub.runner(), name(), retention, options);
  }

  /**
   * Checks every file the latest version references; see {@link EmbeddingHub#verify(String)}.
   *
   * @return every damaged file, each named once
   */
  public VerifyResult verify() {
    return hub.verify(name(), version());
  }

  /**
   * Checks every file a version references; see {@link EmbeddingHub#verify(String)}.
   *
   * @param version the version whose files to check
   * @return every damaged file, each named once
   * @throws VersionNotFoundException if the version does not exist or was vacuumed
   */
  public VerifyResult verify(long version) {
    return hub.verify(name(), version);
  }

  /**
   * Checks every file of every retained version, each once; see {@link EmbeddingHub#verify(String)}.
   *
   * @return every damaged file, each named once
   */
  public VerifyResult verifyAll() {
    return hub.verifyAll(name());
  }

  @Override
  public String toString() {
    return "Space{" + name() + " in " + hub.root() + "}";
  }

  /** The policies that follow a write: compaction when due, an index build in the background. */
  private void afterWrite(io.embeddinghub.log.SpaceState written) {
    EmbeddedApi.afterWrite(hub.runner(), written, AfterWrite.Indexing.BACKGROUND);
  }

  private static String keyOrThrow(String key) {
    Errors.checkKey(key);
    return key;
  }

  private float[] vectorOrThrow(String key, float[] vector) {
    Errors.checkVector(key, vector, dimensions(), metric());
    return vector;
  }
}
