package io.embeddinghub;

/**
 * Index parameters of a space, written to its log at creation: {@code m} (links per node),
 * {@code efConstruction} (candidate list while building), {@code ef} (default candidate list
 * while searching), {@code partitionBytes} (target size of one index partition, in bytes of
 * float32 vectors: a build whose rows need more is split by a coarse quantizer into about that
 * size each, so building or searching one partition fits one task's memory whatever the
 * dimensions) and {@code nprobe} (default number of partitions a query probes per index build).
 * Immutable; validated on construction.
 */
public record IndexParams(int m, int efConstruction, int ef, long partitionBytes, int nprobe)
    implements java.io.Serializable {
  /** 256 MiB of vectors a partition: one fits a default 1 GiB Spark executor with room to build. */
  public static final long DEFAULT_PARTITION_BYTES = 256L << 20;

  public static final int DEFAULT_NPROBE = 3;

  public static final IndexParams DEFAULT = new IndexParams(16, 200, 64);

  public IndexParams {
    if (m < 2 || m > 512) {
      throw new InvalidInputException("Invalid HNSW m " + m + ": must be in [2, 512]");
    }
    if (efConstruction < 1 || efConstruction > 100_000) {
      throw new InvalidInputException(
          "Invalid HNSW efConstruction " + efConstruction + ": must be in [1, 100000]");
    }
    if (ef < 1 || ef > 100_000) {
      throw new InvalidInputException("Invalid HNSW ef " + ef + ": must be in [1, 100000]");
    }
    if (partitionBytes < 1024 || partitionBytes > (8L << 30)) {
      throw new InvalidInputException(
          "Invalid index partition size " + partitionBytes + " bytes: must be in [1024, 8 GiB]");
    }
    if (nprobe < 1 || nprobe > 100_000) {
      throw new InvalidInputException("Invalid nprobe " + nprobe + ": must be in [1, 100000]");
    }
  }

  /** HNSW parameters with the default partition size and nprobe. */
  public IndexParams(int m, int efConstruction, int ef) {
    this(m, efConstruction, ef, DEFAULT_PARTITION_BYTES, DEFAULT_NPROBE);
  }

  /** These parameters with another partition size. */
  public IndexParams withPartitionBytes(long bytes) {
    return new IndexParams(m, efConstruction, ef, bytes, nprobe);
  }

  /** These parameters with another default nprobe. */
  public IndexParams withNprobe(int probes) {
    return new IndexParams(m, efConstruction, ef, partitionBytes, probes);
  }
}
