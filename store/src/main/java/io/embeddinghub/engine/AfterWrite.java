package io.embeddinghub.engine;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexResult;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.SpaceOperations;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies that follow a committed write (a set, a bulk load, a delete, a Spark write), the
 * same on every runner: compaction of the buckets past the auto-optimize thresholds ({@link
 * HubProperties#AUTO_OPTIMIZE_FILES}, {@link HubProperties#AUTO_OPTIMIZE_DELETED_FRACTION}, off by
 * default), then an index build of the unindexed tail once it passes {@link
 * HubProperties#INDEX_AUTO_TAIL_ROWS} rows (or {@link HubProperties#INDEX_AUTO_TAIL_FRACTION} of
 * the space). The write itself is committed before either runs: neither can undo it, and a policy
 * that fails (a concurrent optimize, say) is logged and left to the next write, while queries
 * search the tail exactly.
 */
public final class AfterWrite {
  private static final Logger LOG = LoggerFactory.getLogger(AfterWrite.class);

  private AfterWrite() {}

  /** Where the index build that follows a write runs. */
  public enum Indexing {
    /** In the write's own action, on its runner (a Spark write's default). */
    INLINE,
    /** On a daemon thread of this JVM, one pending build per space (the embedded API's). */
    BACKGROUND,
    /** Not at all: the tail waits for an explicit build or optimize. */
    DEFERRED
  }

  /**
   * What followed a write.
   *
   * @param compacted the compaction, or null when no bucket was due or it conflicted
   * @param indexed the inline index build, or null when none ran inline
   */
  public record Result(OptimizeResult compacted, IndexResult indexed) {
    /** Nothing followed. */
    public static final Result NONE = new Result(null, null);
  }

  /**
   * Applies the policies after a write to {@code space} committed {@code written}.
   *
   * @param runner where compaction and an inline index build run
   * @param written the version the write committed
   * @param indexing where an index build that is due runs
   * @return what ran in this call
   */
  public static Result apply(JobRunner runner, EngineSnapshot written, Indexing indexing) {
    return apply(runner, written.state(), indexing);
  }

  /** {@link #apply(JobRunner, EngineSnapshot, Indexing)} for the embedded API, which holds the state. */
  static Result apply(JobRunner runner, SpaceState written, Indexing indexing) {
    String space = written.metadata().spec().name();
    OptimizeResult compacted = compactDueBuckets(runner, space);
    SpaceState latest = compacted == null ? written : SpaceOperations.open(runner.hub().context(), space).latest();
    if (indexing == Indexing.DEFERRED || !indexDue(runner.hub().settings(), latest)) {
      return new Result(compacted, null);
    }
    if (indexing == Indexing.BACKGROUND) {
      runner.hub().context().autoIndexer().schedule(space, () -> IndexBuildJob.run(runner, space));
      return new Result(compacted, null);
    }
    try {
      return new Result(compacted, IndexBuildJob.run(runner, space));
    } catch (RuntimeException e) {
      LOG.warn("Index build after a write to space '{}' failed; its rows are searched exactly until the next build: {}",
          space, e.toString());
      return new Result(compacted, null);
    }
  }

  /** Whether {@code state}'s unindexed tail passes an auto-index threshold. */
  static boolean indexDue(HubProperties.Resolved settings, SpaceState state) {
    long tail = state.unindexedRows();
    if (tail < Math.max(1, settings.indexMinRows())) {
      return false;
    }
    long rows = settings.indexAutoTailRows();
    double fraction = settings.indexAutoTailFraction();
    return (rows > 0 && tail >= rows) || (fraction > 0 && tail >= fraction * state.size());
  }

  /** Compacts the buckets past the auto-optimize thresholds (none by default); null when none or on a conflict. */
  private static OptimizeResult compactDueBuckets(JobRunner runner, String space) {
    int maxFiles = runner.hub().settings().autoOptimizeFiles();
    double maxDeleted = runner.hub().settings().autoOptimizeDeletedFraction();
    if (maxFiles == 0 && maxDeleted >= 1.0) {
      return null;
    }
    Predicate<List<LiveFile>> due = files -> {
      long rows = files.stream().mapToLong(f -> f.file().rows()).sum();
      long deleted = files.stream().mapToLong(f -> f.deleted().cardinality()).sum();
      return (maxFiles > 0 && files.size() > maxFiles) || (deleted > 0 && deleted > maxDeleted * rows);
    };
    try {
      OptimizeResult r = OptimizeJob.compact(runner, space, due);
      return r.filesRemoved() == 0 ? null : r;
    } catch (CommitConflictException e) {
      return null; // a concurrent writer changed the bucket; the next write re-checks
    }
  }
}
