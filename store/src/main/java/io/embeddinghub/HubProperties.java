package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * Settings of an {@link EmbeddingHub}, read from the Hadoop {@link Configuration} it is opened
 * with. Each key sits beside its default.
 */
public final class HubProperties {
  /** Heap budget for cached data file contents; default a quarter of the max heap, at most 2 GiB. */
  public static final String CACHE_MAX_BYTES = "embeddinghub.cache.max-bytes";

  /** Default of {@link #CACHE_MAX_BYTES}: a quarter of the max heap, at most 2 GiB. */
  public static final long CACHE_MAX_BYTES_DEFAULT =
      Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30);

  /** A checkpoint is written every this many versions. */
  public static final String CHECKPOINT_INTERVAL = "embeddinghub.checkpoint.interval";

  /** Default of {@link #CHECKPOINT_INTERVAL}. */
  public static final int CHECKPOINT_INTERVAL_DEFAULT = 10;

  /**
   * A bulk load writes its buffered rows to data files once they reach this many bytes; default
   * 64 MiB, or an eighth of the max heap when that is less (so a small JVM can bulk load too).
   */
  public static final String WRITE_BUFFER_BYTES = "embeddinghub.write.buffer-bytes";

  /** Default of {@link #WRITE_BUFFER_BYTES}: 64 MiB, or an eighth of the max heap when less. */
  public static final long WRITE_BUFFER_BYTES_DEFAULT = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);

  /** How many times a commit that lost a race is re-planned before giving up. */
  public static final String COMMIT_MAX_ATTEMPTS = "embeddinghub.commit.max-attempts";

  /** Default of {@link #COMMIT_MAX_ATTEMPTS}. */
  public static final int COMMIT_MAX_ATTEMPTS_DEFAULT = 100;

  /**
   * Declares that one writer at a time commits to the hub, so that a file system without an atomic
   * create-if-absent (an object store whose connector offers no conditional create) accepts
   * commits; default false: such a file system refuses them with {@link UnsafeStoreException}.
   * Read by the file layer ({@link io.embeddinghub.io.AtomicCreate}).
   */
  public static final String COMMIT_SINGLE_WRITER = io.embeddinghub.io.AtomicCreate.SINGLE_WRITER;

  /** Default of {@link #COMMIT_SINGLE_WRITER}. */
  public static final boolean COMMIT_SINGLE_WRITER_DEFAULT = false;

  /**
   * An index build leaves an unindexed tail of fewer live rows alone: an exact scan of it is as
   * fast as a graph search.
   */
  public static final String INDEX_MIN_ROWS = "embeddinghub.index.min-rows";

  /** Default of {@link #INDEX_MIN_ROWS}. */
  public static final int INDEX_MIN_ROWS_DEFAULT = 128;

  /** Heap budget for loaded indexes; default a quarter of the max heap, at most 2 GiB. */
  public static final String INDEX_CACHE_MAX_BYTES = "embeddinghub.index.cache.max-bytes";

  /** Default of {@link #INDEX_CACHE_MAX_BYTES}: a quarter of the max heap, at most 2 GiB. */
  public static final long INDEX_CACHE_MAX_BYTES_DEFAULT =
      Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30);

  /** Threads that build one index partition's graph; default the available processors. */
  public static final String INDEX_BUILD_THREADS = "embeddinghub.index.build-threads";

  /** Default of {@link #INDEX_BUILD_THREADS}: the available processors. */
  public static final int INDEX_BUILD_THREADS_DEFAULT = Runtime.getRuntime().availableProcessors();

  /**
   * After a write, when the space's unindexed tail has at least this many live rows, it is
   * indexed: after an embedded write by a background thread of the hub ({@code
   * Space.awaitIndexed()} waits for it), after a Spark write in the write's own action (unless
   * its option {@code index} is {@code defer}); 0 turns it off. The policy is {@code
   * io.embeddinghub.engine.AfterWrite}.
   */
  public static final String INDEX_AUTO_TAIL_ROWS = "embeddinghub.index.auto.tail-rows";

  /** Default of {@link #INDEX_AUTO_TAIL_ROWS}. */
  public static final long INDEX_AUTO_TAIL_ROWS_DEFAULT = 10_000;

  /**
   * Also index in the background when the unindexed tail reaches this fraction of the space's live
   * rows (and at least {@link #INDEX_MIN_ROWS}), so that small spaces stay indexed as they grow;
   * 0 (the default) turns this trigger off.
   */
  public static final String INDEX_AUTO_TAIL_FRACTION = "embeddinghub.index.auto.tail-fraction";

  /** Default of {@link #INDEX_AUTO_TAIL_FRACTION}. */
  public static final double INDEX_AUTO_TAIL_FRACTION_DEFAULT = 0;

  /**
   * How long a {@code Space} may answer from the version it last saw before probing the log for
   * newer commits, in milliseconds. 0 (the default) probes before every call, so every read sees
   * every commit made before it; a high-QPS reader on HDFS or S3, where a probe is a round trip,
   * can trade that for speed (its own writes are always visible at once).
   */
  public static final String READ_REFRESH_INTERVAL_MS = "embeddinghub.read.refresh-interval-ms";

  /** Default of {@link #READ_REFRESH_INTERVAL_MS}. */
  public static final long READ_REFRESH_INTERVAL_MS_DEFAULT = 0;

  /**
   * Which builder makes index graphs: {@code embeddinghub-flat} (the default, ours, over flat
   * arrays) or {@code hnswlib-core} (com.github.jelmerk:hnswlib-core, exported to the same flat
   * layout). Searches do not depend on it.
   */
  public static final String INDEX_BUILDER = "embeddinghub.index.builder";

  /** Default of {@link #INDEX_BUILDER}. */
  public static final String INDEX_BUILDER_DEFAULT = "embeddinghub-flat";

  /**
   * The codes an index's graph walk scores before it re-ranks its candidates with the float32
   * vectors: {@code int8} (one byte a dimension), {@code int4} (four bits: half the memory and
   * bytes per visited node, a little recall at a given ef), or {@code auto} (the default):
   * {@code int4} for spaces of 256 dimensions or more, else {@code int8}. Read when an index
   * partition is built; partitions built before keep theirs.
   */
  public static final String INDEX_CODES = "embeddinghub.index.codes";

  /** Default of {@link #INDEX_CODES}. */
  public static final String INDEX_CODES_DEFAULT = "auto";

  /**
   * After a write, a bucket it touched that has more files than this is optimized in a further
   * version; 0 (the default) turns it off.
   */
  public static final String AUTO_OPTIMIZE_FILES = "embeddinghub.optimize.auto.files-per-bucket";

  /** Default of {@link #AUTO_OPTIMIZE_FILES}. */
  public static final int AUTO_OPTIMIZE_FILES_DEFAULT = 0;

  /**
   * After a write, a bucket it touched whose deleted rows exceed this fraction of its rows is
   * optimized in a further version; 1 (the default) turns it off.
   */
  public static final String AUTO_OPTIMIZE_DELETED_FRACTION = "embeddinghub.optimize.auto.deleted-fraction";

  /** Default of {@link #AUTO_OPTIMIZE_DELETED_FRACTION}. */
  public static final double AUTO_OPTIMIZE_DELETED_FRACTION_DEFAULT = 1.0;

  /**
   * The shortest retention {@code vacuum} accepts (unless {@link VacuumOptions#retentionCheck()}
   * is off): a shorter one could delete files a reader or an uncommitted write still uses. A
   * duration such as {@code 1h}, {@code 30m} or {@code 90s}, or milliseconds; 0 turns the check off.
   */
  public static final String VACUUM_MIN_RETENTION = "embeddinghub.vacuum.min-retention";

  /** Default of {@link #VACUUM_MIN_RETENTION}. */
  public static final Duration VACUUM_MIN_RETENTION_DEFAULT = Duration.ofHours(1);

  /**
   * How many hubs a JVM of a Spark application keeps open at once (their caches, per distinct root
   * and file-system settings); the least recently used beyond are dropped, and reopened if used
   * again. Read from the settings of the hub being opened.
   */
  public static final String CONTEXTS_MAX = "embeddinghub.contexts.max";

  /** Default of {@link #CONTEXTS_MAX}. */
  public static final int CONTEXTS_MAX_DEFAULT = 8;

  /**
   * A Key-Value read or delete lookup of at most this many keys (a {@code get}, {@code contains},
   * {@code multiget}, {@code findAll}, {@code multidelete}, or one batch of a streaming multiget)
   * reads data files that are not cached by point reads: only the row groups and pages that can
   * hold the keys (bloom filter, statistics, page index), without loading the files whole into the
   * cache. Larger key sets load each touched file whole into the cache, which is cheaper per key
   * once a good part of a file is asked for. 0 turns point reads off. Spark's
   * {@code EmbeddingHubSpark.multiget} and {@code multidelete} serve key sets up to this size from
   * the driver with point reads instead of a bucket-wise job.
   */
  public static final String POINT_LOOKUP_MAX_KEYS = "embeddinghub.read.point-lookup.max-keys";

  /** Default of {@link #POINT_LOOKUP_MAX_KEYS}. */
  public static final int POINT_LOOKUP_MAX_KEYS_DEFAULT = 10_000;

  /**
   * A data file that has served this many point-read lookups is loaded whole into the cache by
   * the next lookup, so that a file read again and again ends up on the in-memory path (a warm
   * {@code get} then costs microseconds, not a Parquet page decode); 0 never loads a file for
   * point lookups.
   */
  public static final String POINT_LOOKUP_LOAD_AFTER = "embeddinghub.read.point-lookup.load-after";

  /** Default of {@link #POINT_LOOKUP_LOAD_AFTER}. */
  public static final int POINT_LOOKUP_LOAD_AFTER_DEFAULT = 16;

  /**
   * The point reads of one Key-Value lookup run on up to this many threads, the caller's
   * included: each thread reads the files of one bucket at a time. More threads than cores pay
   * off where a read waits on the network (object stores); 1 reads file after file.
   */
  public static final String READ_THREADS = "embeddinghub.read.threads";

  /** Default of {@link #READ_THREADS}: twice the available processors, at least 4. */
  public static final int READ_THREADS_DEFAULT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private HubProperties() {}

  /**
   * The settings above, resolved once.
   *
   * @param cacheMaxBytes {@link #CACHE_MAX_BYTES}
   * @param checkpointInterval {@link #CHECKPOINT_INTERVAL}
   * @param writeBufferBytes {@link #WRITE_BUFFER_BYTES}
   * @param commitMaxAttempts {@link #COMMIT_MAX_ATTEMPTS}
   * @param indexMinRows {@link #INDEX_MIN_ROWS}
   * @param indexCacheMaxBytes {@link #INDEX_CACHE_MAX_BYTES}
   * @param indexBuildThreads {@link #INDEX_BUILD_THREADS}
   * @param indexBuilder {@link #INDEX_BUILDER}
   * @param indexCodes {@link #INDEX_CODES}
   * @param indexAutoTailRows {@link #INDEX_AUTO_TAIL_ROWS}
   * @param indexAutoTailFraction {@link #INDEX_AUTO_TAIL_FRACTION}
   * @param readRefreshIntervalMs {@link #READ_REFRESH_INTERVAL_MS}
   * @param autoOptimizeFiles {@link #AUTO_OPTIMIZE_FILES}
   * @param autoOptimizeDeletedFraction {@link #AUTO_OPTIMIZE_DELETED_FRACTION}
   * @param vacuumMinRetention {@link #VACUUM_MIN_RETENTION}
   * @param contextsMax {@link #CONTEXTS_MAX}
   * @param pointLookupMaxKeys {@link #POINT_LOOKUP_MAX_KEYS}
   * @param pointLookupLoadAfter {@link #POINT_LOOKUP_LOAD_AFTER}
   * @param readThreads {@link #READ_THREADS}
   */
  public record Resolved(
      long cacheMaxBytes,
      int checkpointInterval,
      long writeBufferBytes,
      int commitMaxAttempts,
      int indexMinRows,
      long indexCacheMaxBytes,
      int indexBuildThreads,
      String indexBuilder,
      String indexCodes,
      long indexAutoTailRows,
      double indexAutoTailFraction,
      long readRefreshIntervalMs,
      int autoOptimizeFiles,
      double autoOptimizeDeletedFraction,
      Duration vacuumMinRetention,
      int contextsMax,
      int pointLookupMaxKeys,
      int pointLookupLoadAfter,
      int readThreads) {
    /**
     * Reads every setting from {@code conf}, falling back to the defaults, and validates them.
     *
     * @param conf the hub's Hadoop configuration
     * @return the resolved settings
     * @throws InvalidInputException if a setting is out of range or names an unknown index builder
     */
    public static Resolved from(Configuration conf) {
      Resolved r =
          new Resolved(
              conf.getLong(CACHE_MAX_BYTES, CACHE_MAX_BYTES_DEFAULT),
              conf.getInt(CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL_DEFAULT),
              conf.getLong(WRITE_BUFFER_BYTES, WRITE_BUFFER_BYTES_DEFAULT),
              conf.getInt(COMMIT_MAX_ATTEMPTS, COMMIT_MAX_ATTEMPTS_DEFAULT),
              conf.getInt(INDEX_MIN_ROWS, INDEX_MIN_ROWS_DEFAULT),
              conf.getLong(INDEX_CACHE_MAX_BYTES, INDEX_CACHE_MAX_BYTES_DEFAULT),
              conf.getInt(INDEX_BUILD_THREADS, INDEX_BUILD_THREADS_DEFAULT),
              conf.get(INDEX_BUILDER, INDEX_BUILDER_DEFAULT),
              conf.getTrimmed(INDEX_CODES, INDEX_CODES_DEFAULT),
              conf.getLong(INDEX_AUTO_TAIL_ROWS, INDEX_AUTO_TAIL_ROWS_DEFAULT),
              conf.getDouble(INDEX_AUTO_TAIL_FRACTION, INDEX_AUTO_TAIL_FRACTION_DEFAULT),
              conf.getLong(READ_REFRESH_INTERVAL_MS, READ_REFRESH_INTERVAL_MS_DEFAULT),
              conf.getInt(AUTO_OPTIMIZE_FILES, AUTO_OPTIMIZE_FILES_DEFAULT),
              conf.getDouble(AUTO_OPTIMIZE_DELETED_FRACTION, AUTO_OPTIMIZE_DELETED_FRACTION_DEFAULT),
              Duration.ofMillis(conf.getTimeDuration(
                  VACUUM_MIN_RETENTION, VACUUM_MIN_RETENTION_DEFAULT.toMillis(), TimeUnit.MILLISECONDS)),
              conf.getInt(CONTEXTS_MAX, CONTEXTS_MAX_DEFAULT),
              conf.getInt(POINT_LOOKUP_MAX_KEYS, POINT_LOOKUP_MAX_KEYS_DEFAULT),
              conf.getInt(POINT_LOOKUP_LOAD_AFTER, POINT_LOOKUP_LOAD_AFTER_DEFAULT),
              conf.getInt(READ_THREADS, READ_THREADS_DEFAULT));
      if (r.cacheMaxBytes < 0) {
        throw Errors.mustBe(CACHE_MAX_BYTES, ">= 0", r.cacheMaxBytes);
      }
      if (r.checkpointInterval < 1) {
        throw Errors.mustBe(CHECKPOINT_INTERVAL, ">= 1", r.checkpointInterval);
      }
      if (r.writeBufferBytes < 1) {
        throw Errors.mustBe(WRITE_BUFFER_BYTES, ">= 1", r.writeBufferBytes);
      }
      if (r.commitMaxAttempts < 1) {
        throw Errors.mustBe(COMMIT_MAX_ATTEMPTS, ">= 1", r.commitMaxAttempts);
      }
      if (r.pointLookupMaxKeys < 0) {
        throw Errors.mustBe(POINT_LOOKUP_MAX_KEYS, ">= 0 (0 = off)", r.pointLookupMaxKeys);
      }
      if (r.pointLookupLoadAfter < 0) {
        throw Errors.mustBe(POINT_LOOKUP_LOAD_AFTER, ">= 0 (0 = never)", r.pointLookupLoadAfter);
      }
      if (r.readThreads < 1) {
        throw Errors.mustBe(READ_THREADS, ">= 1", r.readThreads);
      }
      if (r.contextsMax < 1) {
        throw Errors.mustBe(CONTEXTS_MAX, ">= 1", r.contextsMax);
      }
      if (r.vacuumMinRetention.isNegative()) {
        throw Errors.mustBe(VACUUM_MIN_RETENTION, ">= 0", r.vacuumMinRetention);
      }
      if (r.indexMinRows < 0 || r.indexBuildThreads < 1 || r.autoOptimizeFiles < 0
          || !(r.autoOptimizeDeletedFraction > 0 && r.autoOptimizeDeletedFraction <= 1)) {
        throw Errors.invalidIndexOptimizeSettings(
            r.indexMinRows, r.indexBuildThreads, r.autoOptimizeFiles, r.autoOptimizeDeletedFraction);
      }
      io.embeddinghub.index.GraphBuilders.named(r.indexBuilder); // fails naming the unknown builder
      if (!List.of("auto", "int8", "int4").contains(r.indexCodes)) {
        throw Errors.mustBe(INDEX_CODES, "auto, int8 or int4", "'" + r.indexCodes + "'");
      }
      if (r.readRefreshIntervalMs < 0) {
        throw Errors.mustBe(READ_REFRESH_INTERVAL_MS, ">= 0", r.readRefreshIntervalMs);
      }
      if (!(r.indexAutoTailFraction >= 0 && r.indexAutoTailFraction <= 1)) {
        throw Errors.mustBe(INDEX_AUTO_TAIL_FRACTION, "in [0, 1] (0 = off)", r.indexAutoTailFraction);
      }
      if (r.indexAutoTailRows < 0) {
        throw Errors.mustBe(INDEX_AUTO_TAIL_ROWS, ">= 0 (0 = off)", r.indexAutoTailRows);
      }
      return r;
    }
  }
}
