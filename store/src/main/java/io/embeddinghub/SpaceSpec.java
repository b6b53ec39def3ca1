package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import java.util.Objects;

/**
 * What a space is created with: name, dimensions, metric, bucket count, HNSW parameters and the
 * target size of its data files. Immutable; built with {@link #builder(String, int)} and validated
 * when built.
 *
 * <p>Data files are bounded: every writer and {@code optimize} cut them at the target, the smaller
 * of {@link #targetFileBytes()} (of float32 vectors and keys, about the size on disk) and
 * {@link #targetFileRows()} rows. A bucket holds as many files as its rows need; after
 * {@code optimize} they are sorted, non-overlapping key ranges, so a point read still opens one.
 *
 * <pre>{@code
 * hub.createSpace(SpaceSpec.builder("items", 128).metric(Metric.COSINE).buckets(32).build());
 * }</pre>
 */
public final class SpaceSpec implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Buckets of a space unless {@link Builder#buckets(int)} says otherwise. */
  public static final int DEFAULT_BUCKETS = 8;

  /** The largest bucket count a space may have. */
  public static final int MAX_BUCKETS = 4096;

  /** The largest number of dimensions a space may have. */
  public static final int MAX_DIMENSIONS = 65_536;

  /** 128 MiB a data file: one file's rows fit a task comfortably, and files stay few. */
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;

  /** At most a million rows a file, so that small vectors do not make files of huge key sets. */
  public static final long DEFAULT_TARGET_FILE_ROWS = 1_000_000;

  /** Bytes a row is counted as besides its vector (key and overhead) when sizing files. */
  static final long ROW_OVERHEAD_BYTES = 32;

  /** The space name. */
  private final String name;
  /** Length of every embedding, in [1, {@value #MAX_DIMENSIONS}]. */
  private final int dimensions;
  /** The distance metric. */
  private final Metric metric;
  /** Number of buckets keys are hashed to, in [1, {@value #MAX_BUCKETS}]. */
  private final int buckets;
  /** HNSW and partitioning parameters. */
  private final IndexParams indexParams;
  /** Target size of a data file in bytes. */
  private final long targetFileBytes;
  /** Target number of rows of a data file. */
  private final long targetFileRows;

  private SpaceSpec(Builder b) {
    this.name = Errors.checkSpaceName(b.name);
    if (b.dimensions <= 0 || b.dimensions > MAX_DIMENSIONS) {
      throw Errors.spaceSettingNotInRange("dimensions", b.dimensions, name, "[1, " + MAX_DIMENSIONS + "]");
    }
    if (b.buckets <= 0 || b.buckets > MAX_BUCKETS) {
      throw Errors.spaceSettingNotInRange("bucket count", b.buckets, name, "[1, " + MAX_BUCKETS + "]");
    }
    this.dimensions = b.dimensions;
    this.metric = Errors.checkNotNull(b.metric, "metric");
    this.buckets = b.buckets;
    this.indexParams = Errors.checkNotNull(b.indexParams, "indexParams");
    if (b.targetFileBytes < (1L << 10) || b.targetFileBytes > (16L << 30)) {
      throw Errors.spaceSettingNotInRange("target file size", b.targetFileBytes + " bytes", name, "[1 KiB, 16 GiB]");
    }
    if (b.targetFileRows < 1 || b.targetFileRows > Integer.MAX_VALUE) {
      throw Errors.spaceSettingNotInRange(
          "target file rows", b.targetFileRows, name, "[1, " + Integer.MAX_VALUE + "]");
    }
    this.targetFileBytes = b.targetFileBytes;
    this.targetFileRows = b.targetFileRows;
  }

  /**
   * Starts a spec with the defaults: {@link Metric#L2}, {@value #DEFAULT_BUCKETS} buckets,
   * {@link IndexParams#DEFAULT}, and the default data file targets. Nothing but the name's
   * presence is checked until {@link Builder#build()}.
   *
   * @param name the space name: 1-128 letters, digits, {@code _} or {@code -}, starting with a
   *     letter or digit
   * @param dimensions the length of every embedding, in [1, {@value #MAX_DIMENSIONS}]
   * @return a builder
   * @throws InvalidInputException if {@code name} is null
   */
  public static Builder builder(String name, int dimensions) {
    Errors.checkNotNull(name, "name");
    return new Builder(name, dimensions);
  }

  /** {@return the space name} */
  public String name() {
    return name;
  }

  /** {@return the length of every embedding of the space} */
  public int dimensions() {
    return dimensions;
  }

  /** {@return the distance metric} */
  public Metric metric() {
    return metric;
  }

  /** {@return the number of buckets keys are hashed to} */
  public int buckets() {
    return buckets;
  }

  /** {@return the HNSW and partitioning parameters} */
  public IndexParams indexParams() {
    return indexParams;
  }

  /** {@return the target size of a data file in bytes (vectors and keys)} See the class comment. */
  public long targetFileBytes() {
    return targetFileBytes;
  }

  /** {@return the target number of rows of a data file} See the class comment. */
  public long targetFileRows() {
    return targetFileRows;
  }

  /**
   * {@return the rows a data file of this space holds at most} The smaller of the two targets
   * (the byte target counting 4 bytes a dimension plus 32 bytes of key and overhead a row), at
   * least 1.
   */
  public int rowsPerFile() {
    long byBytes = targetFileBytes / (4L * dimensions + ROW_OVERHEAD_BYTES);
    return (int) Math.max(1, Math.min(targetFileRows, byBytes));
  }

  /**
   * A builder holding this spec's settings under another name (used by fork and writeTo).
   *
   * @param newName the name of the new spec
   * @return a builder with every other setting of this spec
   * @throws InvalidInputException if {@code newName} is null
   */
  public Builder toBuilder(String newName) {
    Errors.checkNotNull(newName, "newName");
    return new Builder(newName, dimensions)
        .metric(metric)
        .buckets(buckets)
        .indexParams(indexParams)
        .targetFileBytes(targetFileBytes)
        .targetFileRows(targetFileRows);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SpaceSpec)) {
      return false;
    }
    SpaceSpec that = (SpaceSpec) o;
    return dimensions == that.dimensions
        && buckets == that.buckets
        && name.equals(that.name)
        && metric == that.metric
        && indexParams.equals(that.indexParams)
        && targetFileBytes == that.targetFileBytes
        && targetFileRows == that.targetFileRows;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dimensions, metric, buckets, indexParams, targetFileBytes, targetFileRows);
  }

  @Override
  public String toString() {
    return "SpaceSpec{name=" + name + ", dimensions=" + dimensions + ", metric=" + metric.id()
        + ", buckets=" + buckets + ", index=" + indexParams + ", targetFileBytes=" + targetFileBytes
        + ", targetFileRows=" + targetFileRows + "}";
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final String name;
    private final int dimensions;
    private Metric metric = Metric.L2;
    private int buckets = DEFAULT_BUCKETS;
    private IndexParams indexParams = IndexParams.DEFAULT;
    private long targetFileBytes = DEFAULT_TARGET_FILE_BYTES;
    private long targetFileRows = DEFAULT_TARGET_FILE_ROWS;

    private Builder(String name, int dimensions) {
      this.name = name;
      this.dimensions = dimensions;
    }

    /**
     * Sets the distance metric (default {@link Metric#L2}).
     *
     * @param metric the metric, not null
     * @return this builder
     * @throws InvalidInputException if {@code metric} is null
     */
    public Builder metric(Metric metric) {
      this.metric = Errors.checkNotNull(metric, "metric");
      return this;
    }

    /**
     * Sets the number of buckets keys are hashed to (default {@value SpaceSpec#DEFAULT_BUCKETS}).
     *
     * @param buckets the bucket count, in [1, {@value SpaceSpec#MAX_BUCKETS}] (checked by
     *     {@link #build()})
     * @return this builder
     */
    public Builder buckets(int buckets) {
      this.buckets = buckets;
      return this;
    }

    /**
     * Sets the HNSW and partitioning parameters (default {@link IndexParams#DEFAULT}).
     *
     * @param indexParams the parameters, not null
     * @return this builder
     * @throws InvalidInputException if {@code indexParams} is null
     */
    public Builder indexParams(IndexParams indexParams) {
      this.indexParams = Errors.checkNotNull(indexParams, "indexParams");
      return this;
    }

    /**
     * Sets the target size of a data file, in bytes of vectors and keys (default 128 MiB).
     *
     * @param bytes the target, in [1 KiB, 16 GiB] (checked by {@link #build()})
     * @return this builder
     */
    public Builder targetFileBytes(long bytes) {
      this.targetFileBytes = bytes;
      return this;
    }

    /**
     * Sets the target rows of a data file (default 1,000,000).
     *
     * @param rows the target, in [1, {@link Integer#MAX_VALUE}] (checked by {@link #build()})
     * @return this builder
     */
    public Builder targetFileRows(long rows) {
      this.targetFileRows = rows;
      return this;
    }

    /**
     * Validates the settings and builds the spec.
     *
     * @return the spec
     * @throws InvalidInputException if the name, dimensions, bucket count or a file target is
     *     invalid
     */
    public SpaceSpec build() {
      return new SpaceSpec(this);
    }
  }
}
