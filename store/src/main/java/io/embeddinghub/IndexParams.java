package io.embeddinghub;

import io.embeddinghub.internal.Errors;

/**
 * Index parameters of a space, written to its log at creation: {@code m} (links per node),
 * {@code efConstruction} (candidate list while building), {@code ef} (default candidate list
 * while searching), {@code partitionBytes} (target size of one index partition, in bytes of
 * float32 vectors: a build whose rows need more is split by a coarse quantizer into about that
 * size each, so building or searching one partition fits one task's memory whatever the
 * dimensions) and {@code nprobe} (default number of partitions a query probes per split index
 * build; 0, the default, means per build the fewest whose measured routing keeps at least
 * {@value #AUTO_NPROBE_ROUTING_RECALL} of the true neighbours).
 * Immutable; validated on construction.
 *
 * @param m HNSW links per node, in [2, 512]
 * @param efConstruction HNSW candidate list size while building, in [1, 100000]
 * @param ef default HNSW candidate list size while searching, in [1, 100000]
 * @param partitionBytes target size of one index partition in bytes of float32 vectors, in
 *     [1024, 8 GiB]
 * @param nprobe default partitions a query probes per split index build, in [0, 100000]; 0 =
 *     automatic
 * @serial exclude Serialized by its components, documented above.
 */
public record IndexParams(int m, int efConstruction, int ef, long partitionBytes, int nprobe)
    implements java.io.Serializable {
  /** 256 MiB of vectors a partition: one fits a default 1 GiB Spark executor with room to build. */
  public static final long DEFAULT_PARTITION_BYTES = 256L << 20;

  /** The default nprobe: automatic, chosen per build from its routing measurement. */
  public static final int DEFAULT_NPROBE = 0;

  /** What an automatic nprobe keeps of the true neighbours, by the build's own measurement. */
  public static final double AUTO_NPROBE_ROUTING_RECALL = 0.97;

  /** The nprobe used for a build that has no routing measurement, when none is set. */
  public static final int FALLBACK_NPROBE = 3;

  /** {@code m} 16, {@code efConstruction} 200, {@code ef} 64, default partition size and nprobe. */
  public static final IndexParams DEFAULT = new IndexParams(16, 200, 64);

  /**
   * Validates the parameters.
   *
   * @param m HNSW links per node, in [2, 512]
   * @param efConstruction HNSW candidate list size while building, in [1, 100000]
   * @param ef default HNSW candidate list size while searching, in [1, 100000]
   * @param partitionBytes target size of one index partition in bytes of float32 vectors, in
   *     [1024, 8 GiB]
   * @param nprobe default partitions a query probes per split index build, in [0, 100000]; 0 =
   *     automatic
   * @throws InvalidInputException if a parameter is out of its range
   */
  public IndexParams {
    if (m < 2 || m > 512) {
      throw Errors.notInRange("HNSW m", m, "[2, 512]");
    }
    if (efConstruction < 1 || efConstruction > 100_000) {
      throw Errors.notInRange("HNSW efConstruction", efConstruction, "[1, 100000]");
    }
    if (ef < 1 || ef > 100_000) {
      throw Errors.notInRange("HNSW ef", ef, "[1, 100000]");
    }
    if (partitionBytes < 1024 || partitionBytes > (8L << 30)) {
      throw Errors.notInRange("index partition size", partitionBytes + " bytes", "[1024, 8 GiB]");
    }
    if (nprobe < 0 || nprobe > 100_000) {
      throw Errors.notInRange("nprobe", nprobe, "[0, 100000] (0 = automatic)");
    }
  }

  /**
   * HNSW parameters with the default partition size and nprobe.
   *
   * @param m HNSW links per node, in [2, 512]
   * @param efConstruction HNSW candidate list size while building, in [1, 100000]
   * @param ef default HNSW candidate list size while searching, in [1, 100000]
   * @throws InvalidInputException if a parameter is out of its range
   */
  public IndexParams(int m, int efConstruction, int ef) {
    this(m, efConstruction, ef, DEFAULT_PARTITION_BYTES, DEFAULT_NPROBE);
  }

  /**
   * These parameters with another partition size.
   *
   * @param bytes target size of one index partition in bytes of float32 vectors, in [1024, 8 GiB]
   * @return the new parameters
   * @throws InvalidInputException if {@code bytes} is out of range
   */
  public IndexParams withPartitionBytes(long bytes) {
    return new IndexParams(m, efConstruction, ef, bytes, nprobe);
  }

  /**
   * The partitions to probe in a split build whose routing kept {@code routingRecall[i]} of the
   * true neighbours at {@code i + 1} probes (null when not measured), for a requested nprobe (0 =
   * this space's default, itself 0 = automatic).
   *
   * @param requested the query's nprobe; 0 uses {@link #nprobe()}
   * @param routingRecall per probe count, the fraction of true neighbours the build's routing kept,
   *     or null when not measured
   * @return the requested or default nprobe when set; otherwise the fewest probes whose routing
   *     recall reaches {@value #AUTO_NPROBE_ROUTING_RECALL} (all measured ones when none does), or
   *     {@value #FALLBACK_NPROBE} without a measurement
   */
  public int probesFor(int requested, float[] routingRecall) {
    int wanted = requested > 0 ? requested : nprobe;
    if (wanted > 0) {
      return wanted;
    }
    if (routingRecall == null) {
      return FALLBACK_NPROBE;
    }
    for (int i = 0; i < routingRecall.length; i++) {
      if (routingRecall[i] >= AUTO_NPROBE_ROUTING_RECALL) {
        return i + 1;
      }
    }
    return routingRecall.length;
  }

  /**
   * These parameters with another default nprobe.
   *
   * @param probes default partitions a query probes per split build, in [0, 100000]; 0 = automatic
   * @return the new parameters
   * @throws InvalidInputException if {@code probes} is out of range
   */
  public IndexParams withNprobe(int probes) {
    return new IndexParams(m, efConstruction, ef, partitionBytes, probes);
  }
}
