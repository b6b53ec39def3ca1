package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import java.util.Objects;

/**
 * What a space is created with: name, dimensions, metric, bucket count and HNSW parameters.
 * Immutable; built with {@link #builder(String, int)} and validated when built.
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

  private final String name;
  private final int dimensions;
  private final Metric metric;
  private final int buckets;
  private final IndexParams indexParams;

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

  /** A builder holding this spec's settings under another name (used by fork and writeTo). */
  public Builder toBuilder(String newName) {
    Errors.checkNotNull(newName, "newName");
    return new Builder(newName, dimensions).metric(metric).buckets(buckets).indexParams(indexParams);
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
        && indexParams.equals(that.indexParams);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dimensions, metric, buckets, indexParams);
  }

  @Override
  public String toString() {
    return "SpaceSpec{name=" + name + ", dimensions=" + dimensions + ", metric=" + metric.id()
        + ", buckets=" + buckets + ", index=" + indexParams + "}";
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final String name;
    private final int dimensions;
    private Metric metric = Metric.L2;
    private int buckets = DEFAULT_BUCKETS;
    private IndexParams indexParams = IndexParams.DEFAULT;

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

    public SpaceSpec build() {
      return new SpaceSpec(this);
    }
  }
}
