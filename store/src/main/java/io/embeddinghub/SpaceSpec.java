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

  public static final int DEFAULT_BUCKETS = 8;
  public static final int MAX_BUCKETS = 4096;
  public static final int MAX_DIMENSIONS = 65_536;

  /** 128 MiB a data file: one file's rows fit a task comfortably, and files stay few. */
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;

  /** At most a million rows a file, so that small vectors do not make files of huge key sets. */
  public static final long DEFAULT_TARGET_FILE_ROWS = 1_000_000;

  /** Bytes a row is counted as besides its vector (key and overhead) when sizing files. */
  static final long ROW_OVERHEAD_BYTES = 32;

  private final String name;
  private final int dimensions;
  private final Metric metric;
  private final int buckets;
  private final IndexParams indexParams;
  private final long targetFileBytes;
  private final long targetFileRows;

  private SpaceSpec(Builder b) {
    this.name = Errors.checkSpaceName(b.name);
    if (b.dimensions <= 0 || b.dimensions > MAX_DIMENSIONS) {
      throw new InvalidInputException(
          "Invalid dimensions " + b.dimensions + " for space '" + name + "': must be in [1, "
              + MAX_DIMENSIONS + "]");
    }
    if (b.buckets <= 0 || b.buckets > MAX_BUCKETS) {
      throw new InvalidInputException(
          "Invalid bucket count " + b.buckets + " for space '" + name + "': must be in [1, "
              + MAX_BUCKETS + "]");
    }
    this.dimensions = b.dimensions;
    this.metric = Errors.checkNotNull(b.metric, "metric");
    this.buckets = b.buckets;
    this.indexParams = Errors.checkNotNull(b.indexParams, "indexParams");
    if (b.targetFileBytes < (1L << 10) || b.targetFileBytes > (16L << 30)) {
      throw new InvalidInputException(
          "Invalid target file size " + b.targetFileBytes + " bytes for space '" + name
              + "': must be in [1 KiB, 16 GiB]");
    }
    if (b.targetFileRows < 1 || b.targetFileRows > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          "Invalid target file rows " + b.targetFileRows + " for space '" + name + "': must be in [1, "
              + Integer.MAX_VALUE + "]");
    }
    this.targetFileBytes = b.targetFileBytes;
    this.targetFileRows = b.targetFileRows;
  }

  public static Builder builder(String name, int dimensions) {
    Errors.checkNotNull(name, "name");
    return new Builder(name, dimensions);
  }

  public String name() {
    return name;
  }

  public int dimensions() {
    return dimensions;
  }

  public Metric metric() {
    return metric;
  }

  public int buckets() {
    return buckets;
  }

  public IndexParams indexParams() {
    return indexParams;
  }

  /** Target size of a data file in bytes (vectors and keys); see the class comment. */
  public long targetFileBytes() {
    return targetFileBytes;
  }

  /** Target number of rows of a data file; see the class comment. */
  public long targetFileRows() {
    return targetFileRows;
  }

  /** Rows a data file of this space holds at most: the smaller of the two targets, at least 1. */
  public int rowsPerFile() {
    long byBytes = targetFileBytes / (4L * dimensions + ROW_OVERHEAD_BYTES);
    return (int) Math.max(1, Math.min(targetFileRows, byBytes));
  }

  /** A builder holding this spec's settings under another name (used by fork and writeTo). */
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

    public Builder metric(Metric metric) {
      this.metric = Errors.checkNotNull(metric, "metric");
      return this;
    }

    public Builder buckets(int buckets) {
      this.buckets = buckets;
      return this;
    }

    public Builder indexParams(IndexParams indexParams) {
      this.indexParams = Errors.checkNotNull(indexParams, "indexParams");
      return this;
    }

    /** Target size of a data file, in bytes of vectors and keys (default 128 MiB). */
    public Builder targetFileBytes(long bytes) {
      this.targetFileBytes = bytes;
      return this;
    }

    /** Target rows of a data file (default 1,000,000). */
    public Builder targetFileRows(long rows) {
      this.targetFileRows = rows;
      return this;
    }

    public SpaceSpec build() {
      return new SpaceSpec(this);
    }
  }
}
