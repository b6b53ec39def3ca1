package io.embeddinghub.table;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.SpaceMetadata;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.log.TransactionLog;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The operations of one stored space (as Iceberg's {@code TableOperations} are a table's): it keeps
 * the latest state it has seen (refreshed from the log before every operation, so other writers'
 * commits are visible), writes data files and commits through the {@link Committer}; the jobs of
 * {@code io.embeddinghub.engine} plan on its states and commit through it. Not the engine API's
 * {@code EngineSpace}, which wraps it for other modules. Thread-safe: states are immutable, commits
 * optimistic.
 */
public final class SpaceOperations {
  private final HubContext ctx;
  private final String name;
  private final TransactionLog log;
  private final Committer committer;
  private volatile SpaceState state;
  private volatile long lastProbeNanos = System.nanoTime() - (1L << 60);

  private SpaceOperations(HubContext ctx, String name, SpaceState state) {
    this.ctx = ctx;
    this.name = name;
    this.log = new TransactionLog(ctx.io(), name);
    this.committer = new Committer(ctx, log, name);
    this.state = state;
  }

  /** Opens an existing space. */
  public static SpaceOperations open(HubContext ctx, String name) {
    Errors.checkSpaceName(name);
    SpaceState latest = new TransactionLog(ctx.io(), name).loadLatest();
    if (latest == null) {
      throw Errors.spaceNotFound(name, ctx.io().root());
    }
    return new SpaceOperations(ctx, name, latest);
  }

  /** Creates a new, empty space. */
  public static SpaceOperations create(HubContext ctx, SpaceSpec spec) {
    long now = ctx.nowMillis();
    LogEntry first =
        new LogEntry(0, now, "create", new SpaceMetadata(spec, now, null), List.of(), List.of(), Map.of(), 0, 0, 0);
    return createFrom(ctx, spec.name(), first);
  }

  /** Creates {@code newName} holding the data files and index partitions of {@code source} (nothing is copied). */
  public static SpaceOperations fork(HubContext ctx, SpaceState source, String newName) {
    SpaceSpec spec = source.metadata().spec().toBuilder(newName).build();
    long now = ctx.nowMillis();
    List<DataFile> adds = new ArrayList<>();
    Map<String, DeletionVector> deletes = new HashMap<>();
    for (LiveFile f : source.files()) {
      adds.add(f.file());
      if (!f.deleted().isEmpty()) {
        deletes.put(f.file().path(), f.deleted());
      }
    }
    SpaceMetadata metadata =
        new SpaceMetadata(
            spec, now, new SpaceMetadata.ForkOrigin(source.metadata().spec().name(), source.version()));
    LogEntry first = new LogEntry(
        0, now, "fork", metadata, adds, List.of(), deletes, List.copyOf(source.partitions()),
        List.copyOf(source.indexBuilds()), List.of(), 0, 0, source.size());
    return createFrom(ctx, newName, first);
  }

  private static SpaceOperations createFrom(HubContext ctx, String name, LogEntry first) {
    TransactionLog log = new TransactionLog(ctx.io(), name);
    if (log.exists()) {
      throw Errors.spaceExists(name, ctx.io().root());
    }
    log.checkCommitsSafe(); // before the directory is made: a refused create leaves nothing behind
    try {
      log.createDirectory();
      if (!log.tryCommit(first)) {
        throw Errors.spaceExists(name, ctx.io().root());
      }
    } catch (IOException e) {
      throw Errors.cannotCreateSpace(name, ctx.io().root(), e);
    }
    return new SpaceOperations(ctx, name, SpaceState.initial(first));
  }

  public String name() {
    return name;
  }

  public HubContext context() {
    return ctx;
  }

  public SpaceSpec spec() {
    return state.metadata().spec();
  }

  /**
   * The newest state this object has seen (its own last commit, or the last one read), without
   * asking the log: what follows a write, so that a failing read after a commit that landed
   * never reports the write as failed.
   */
  public SpaceState lastSeen() {
    return state;
  }

  /** The latest committed state (re-read from the log). */
  public SpaceState latest() {
    SpaceState current = state;
    long interval = ctx.settings().readRefreshIntervalMs();
    long now = System.nanoTime();
    if (interval > 0 && now - lastProbeNanos < interval * 1_000_000) {
      return current;
    }
    lastProbeNanos = now;
    SpaceState updated = log.update(current);
    if (updated != current) {
      advance(updated);
    }
    return updated;
  }

  private synchronized void advance(SpaceState next) {
    if (next.version() > state.version()) {
      state = next;
    }
  }

  public StateReader reader() {
    return new StateReader(ctx, latest());
  }

  public SpaceState at(long version) {
    SpaceState current = latest();
    if (version == current.version()) {
      return current;
    }
    return log.load(version);
  }

  /** The state of the last version committed at or before {@code timestamp}. */
  public SpaceState asOf(Instant timestamp) {
    // Instants beyond the millisecond range (Instant.MIN / MAX) lie before or after every version.
    long millis = timestamp.isBefore(Instant.EPOCH)
        ? (timestamp.getEpochSecond() < Long.MIN_VALUE / 1000 ? Long.MIN_VALUE : timestamp.toEpochMilli())
        : (timestamp.getEpochSecond() > Long.MAX_VALUE / 1000 - 1 ? Long.MAX_VALUE : timestamp.toEpochMilli());
    SpaceState current = latest();
    if (millis >= current.timestampMillis()) {
      return current;
    }
    long lo = log.oldestVersion();
    long hi = current.version();
    LogEntry oldest = log.readEntry(lo);
    if (oldest == null || oldest.timestampMillis() > millis) {
      throw Errors.noVersionAsOf(
          name, timestamp, lo, oldest == null ? "an expired time" : Instant.ofEpochMilli(oldest.timestampMillis()));
    }
    while (lo < hi) { // invariant: ts(lo) <= millis < ts(hi + 1)
      long mid = lo + (hi - lo + 1) / 2;
      LogEntry entry = log.readEntry(mid);
      if (entry != null && entry.timestampMillis() <= millis) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return log.load(lo);
  }

  public List<VersionInfo> history() {
    List<VersionInfo> history = new ArrayList<>();
    for (LogEntry e : log.entries()) {
      history.add(
          new VersionInfo(e.version(), Instant.ofEpochMilli(e.timestampMillis()), e.operation(), e.rowsAdded(), e.rowsDeleted(), e.size()));
    }
    return history;
  }

  /**
   * Validates and writes every entry, then commits them as one version. Nothing is visible, and
   * every file written is deleted again, if any entry is invalid.
   */
  public SpaceState upsert(String operation, Iterator<? extends Map.Entry<String, float[]>> entries) {
    SpaceSpec spec = spec();
    FileBatchWriter writer = new FileBatchWriter(ctx, name, spec);
    List<DataFile> files;
    try {
      while (entries.hasNext()) {
        Map.Entry<String, float[]> e = entries.next();
        if (e == null) {
          throw Errors.nullEntry();
        }
        String key = e.getKey();
        float[] vector = e.getValue();
        Errors.checkKey(key);
        Errors.checkVector(key, vector, spec.dimensions(), spec.metric());
        writer.add(key, vector.clone());
      }
      files = writer.finish();
    } catch (RuntimeException e) {
      writer.abort();
      throw e;
    }
    if (files.isEmpty()) {
      return latest();
    }
    return commit(s -> WritePlans.upsert(ctx, s, operation, files), writer::abort);
  }

  /**
   * Commits data files written elsewhere (by {@link FileBatchWriter}s in Spark tasks, say) as one
   * version: an upsert, or with {@code replaceAll} a replacement of the whole content. When the
   * commit certainly failed, the files are deleted.
   *
   * @param files in write order: where a key repeats, the later file wins
   */
  public SpaceState commitWrittenFiles(String operation, List<DataFile> files, boolean replaceAll) {
    if (files.isEmpty() && !replaceAll) {
      return latest();
    }
    return commit(
        s -> replaceAll
            ? WritePlans.replaceAll(ctx, s, operation, files)
            : WritePlans.upsert(ctx, s, operation, files),
        () -> FileBatchWriter.deleteQuietly(ctx, files));
  }

  /** Deletes the keys as one version; returns how many were present. */
  public long delete(Collection<String> keys) {
    keys.forEach(Errors::checkKey);
    return commitDelete(s -> WritePlans.delete(ctx, s, keys));
  }

  /**
   * Commits rows found against {@code base} by {@link RowDeletes#find} (in Spark tasks, bucket by
   * bucket) as one version; returns how many rows it deleted. Commits since {@code base} in other
   * buckets are fine; one that added or removed files in a bucket the rows were looked up in makes
   * them stale: then nothing is written and a {@link io.embeddinghub.CommitConflictException} asks
   * to find them again.
   */
  public long commitDeletes(SpaceState base, RowDeletes rows) {
    if (rows.buckets().isEmpty()) {
      return 0;
    }
    return commitDelete(s -> WritePlans.deleteRows(s, base, rows));
  }

  /** Commits a delete (planned again on conflicts); returns the rows the committed plan deleted. */
  private long commitDelete(java.util.function.Function<SpaceState, CommitPlan> planner) {
    long[] deleted = new long[1];
    commit(
        s -> {
          CommitPlan plan = planner.apply(s);
          deleted[0] = plan.rowsDeleted();
          return plan;
        },
        () -> {});
    return deleted[0];
  }

  public void deleteAll() {
    commit(WritePlans::deleteAll, () -> {});
  }

  /**
   * What an index build builds on: the version with the small single-partition builds the build
   * takes in removed (their rows are part of the tail again), and those builds.
   */
  public record IndexStep(SpaceState base, List<String> mergedBuilds) {}

  /**
   * The step of an index build of {@code latest}: tiered, so once {@value
   * IndexPlans#MERGE_SMALL_BUILDS_AT} small builds (left by indexing a growing space step by step)
   * pile up, the build takes them in with the tail.
   */
  public static IndexStep indexStep(SpaceState latest) {
    List<String> merged = IndexPlans.smallBuilds(latest, IndexPlans.MERGE_SMALL_BUILDS_AT);
    return new IndexStep(preview(latest, IndexPlans.removing(merged)), merged);
  }

  /**
   * The step of the index build of an optimize whose groups were rewritten into {@code written}
   * (one list per group): the rewrite applied, and any two small builds taken in.
   */
  public static IndexStep indexStep(
      SpaceState before, List<CompactionGroup> groups, List<List<DataFile>> written) {
    SpaceState compacted = preview(before, compaction(before, Compactor.Rewrite.of(groups, written), Map.of()));
    List<String> merged = IndexPlans.smallBuilds(compacted, 2);
    return new IndexStep(preview(compacted, IndexPlans.removing(merged)), merged);
  }

  /**
   * Commits rewritten compaction groups (none for an index build alone) and the index build
   * planned on their {@link IndexStep} as one version. When a rewritten or covered file changed
   * meanwhile, deletes everything written and throws {@link io.embeddinghub.CommitConflictException}.
   */
  public SpaceState commitRewrite(
      String operation, List<CompactionGroup> groups, List<List<DataFile>> written, IndexStep step,
      IndexBuilder.Build build) {
    Compactor.Rewrite rewrite = Compactor.Rewrite.of(groups, written);
    List<String> replaced = build.isEmpty() ? List.of() : step.mergedBuilds();
    CarriedDeletes carried = new CarriedDeletes(ctx, groups, written); // one per commit: attempts share its reads
    return commit(
        s -> {
          requirePartitions(s, replaced);
          CommitPlan plan = compaction(s, rewrite, carried.in(s))
              .withIndexRemoves(replaced).withOperation(operation);
          return plan.withIndexAddsOf(IndexPlans.add(preview(s, plan), build));
        },
        () -> {
          FileBatchWriter.deleteQuietly(ctx, rewrite.written());
          new IndexBuilder(ctx, name).abort(build);
        });
  }

  /**
   * The compaction groups of {@code base}'s buckets that {@code bucketDue} selects (every bucket
   * for an optimize; those past the auto-optimize thresholds after a write).
   */
  public static List<CompactionGroup> planCompaction(SpaceState base, Predicate<List<LiveFile>> bucketDue) {
    return CompactionPlanner.plan(base, bucketDue);
  }

  /** Rewrites one compaction group in bounded memory; the files are invisible until committed. */
  public static List<DataFile> rewriteGroup(HubContext ctx, SpaceSpec spec, CompactionGroup group) {
    return new SortedMerge(ctx, spec.name(), spec).rewrite(group);
  }

  /**
   * Throws a conflict unless every partition in {@code partitions} (the small builds a build takes
   * in) is still in {@code state}: a concurrent optimize or build may have replaced them.
   */
  private void requirePartitions(SpaceState state, List<String> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    java.util.Set<String> live = new java.util.HashSet<>();
    state.partitions().forEach(p -> live.add(p.path()));
    for (String p : partitions) {
      if (!live.contains(p)) {
        throw io.embeddinghub.internal.Errors.conflict(name, "index partition " + p + " was replaced while this build ran");
      }
    }
  }

  private static CommitPlan compaction(
      SpaceState state, Compactor.Rewrite rewrite, Map<String, io.embeddinghub.log.DeletionVector> carried) {
    return rewrite.inputs().isEmpty()
        ? new CommitPlan("optimize", List.of(), List.of(), Map.of(), 0, 0)
        : Compactor.plan(state, rewrite, carried);
  }

  /** The state {@code plan} would make on top of {@code state} (what a combined commit builds on). */
  private static SpaceState preview(SpaceState state, CommitPlan plan) {
    if (plan.isEmpty()) {
      return state;
    }
    return state.apply(plan.toEntry(state.version() + 1, state.timestampMillis() + 1, state.size(), null));
  }

  /** Waits until no background index build of this space is pending (see {@link AutoIndexer}). */
  public void awaitIndexed() {
    ctx.autoIndexer().await(name);
  }



  private SpaceState commit(java.util.function.Function<SpaceState, CommitPlan> planner, Runnable onKnownFailure) {
    SpaceState next = committer.commit(state, planner, onKnownFailure);
    advance(next);
    return next;
  }
}
