package io.embeddinghub;

import org.apache.hadoop.conf.Configuration;

/**
 * Settings of an {@link EmbeddingHub}, read from the Hadoop {@link Configuration} it is opened
 * with. Each key sits beside its default.
 */
public final class HubProperties {
  /** Heap budget for cached data file contents; default a quarter of the max heap, at most 2 GiB. */
  public static final String CACHE_MAX_BYTES = "embeddinghub.cache.max-bytes";

  public static final long CACHE_MAX_BYTES_DEFAULT =
      Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30);

  /** A checkpoint is written every this many versions. */
  public static final String CHECKPOINT_INTERVAL = "embeddinghub.checkpoint.interval";

  public static final int CHECKPOINT_INTERVAL_DEFAULT = 10;

  /** A bulk load writes its buffered rows to data files once they reach this many bytes. */
  public static final String WRITE_BUFFER_BYTES = "embeddinghub.write.buffer-bytes";

  public static final long WRITE_BUFFER_BYTES_DEFAULT = 64L << 20;

  /** How many times a commit that lost a race is re-planned before giving up. */
  public static final String COMMIT_MAX_ATTEMPTS = "embeddinghub.commit.max-attempts";

  public static final int COMMIT_MAX_ATTEMPTS_DEFAULT = 100;

  private HubProperties() {}

  /** The settings above, resolved once. */
  public record Resolved(long cacheMaxBytes, int checkpointInterval, long writeBufferBytes, int commitMaxAttempts) {
    public static Resolved from(Configuration conf) {
      Resolved r =
          new Resolved(
              conf.getLong(CACHE_MAX_BYTES, CACHE_MAX_BYTES_DEFAULT),
              conf.getInt(CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL_DEFAULT),
              conf.getLong(WRITE_BUFFER_BYTES, WRITE_BUFFER_BYTES_DEFAULT),
              conf.getInt(COMMIT_MAX_ATTEMPTS, COMMIT_MAX_ATTEMPTS_DEFAULT));
      if (r.cacheMaxBytes < 0) {
        throw new InvalidInputException(CACHE_MAX_BYTES + " must be >= 0, got " + r.cacheMaxBytes);
      }
      if (r.checkpointInterval < 1) {
        throw new InvalidInputException(CHECKPOINT_INTERVAL + " must be >= 1, got " + r.checkpointInterval);
      }
      if (r.writeBufferBytes < 1) {
        throw new InvalidInputException(WRITE_BUFFER_BYTES + " must be >= 1, got " + r.writeBufferBytes);
      }
      if (r.commitMaxAttempts < 1) {
        throw new InvalidInputException(COMMIT_MAX_ATTEMPTS + " must be >= 1, got " + r.commitMaxAttempts);
      }
      return r;
    }
  }
}
