package io.embeddinghub.spark;

import io.embeddinghub.SpaceSpec;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.SortDirection;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the incoming schema ({@code key STRING}, {@code embedding ARRAY<FLOAT|DOUBLE>}) and
 * builds an append (upsert) or, after {@link #truncate()}, an overwrite. The input is range
 * partitioned and sorted by {@code (bucket(B, key), key)}: every row of a key meets in one task,
 * and a large bucket is split over several tasks (Spark sizes them by the space's target file size,
 * as an advisory partition size), each writing sorted files of its own key range. So a write uses
 * as many tasks as its size needs, not B, and its files in a bucket do not overlap. An input Spark
 * knows to be smaller than one data file is written by one task.
 */
final class SparkWriteBuilder implements WriteBuilder, SupportsTruncate {
  private final HubRef hub;
  private final SpaceSpec existing;
  private final SparkOptions options;
  private final LogicalWriteInfo info;
  private boolean truncate;

  /** @param existing the space's spec, or null when the write creates the space */
  SparkWriteBuilder(HubRef hub, SpaceSpec existing, SparkOptions options, LogicalWriteInfo info) {
    this.hub = hub;
    this.existing = existing;
    this.options = options;
    this.info = info;
  }

  @Override
  public WriteBuilder truncate() {
    truncate = true;
    return this;
  }

  @Override
  public Write build() {
    StructType schema = info.schema();
    boolean byPosition = // SQL INSERT … VALUES / SELECT arrive by position (col1, col2)
        schema.fields().length == 2
            && !hasColumn(schema, SparkSchemas.KEY)
            && !hasColumn(schema, SparkSchemas.EMBEDDING);
    int keyOrdinal = byPosition ? 0 : ordinal(schema, SparkSchemas.KEY);
    int embeddingOrdinal = byPosition ? 1 : ordinal(schema, SparkSchemas.EMBEDDING);
    DataType keyType = schema.fields()[keyOrdinal].dataType();
    if (!keyType.equals(DataTypes.StringType)) {
      throw SparkErrors.badColumnType("key", "STRING", keyType.sql());
    }
    DataType embeddingType = schema.fields()[embeddingOrdinal].dataType();
    boolean isDouble;
    if (embeddingType instanceof ArrayType array && array.elementType().equals(DataTypes.FloatType)) {
      isDouble = false;
    } else if (embeddingType instanceof ArrayType array && array.elementType().equals(DataTypes.DoubleType)) {
      isDouble = true;
    } else {
      throw SparkErrors.badColumnType("embedding", "ARRAY<FLOAT> or ARRAY<DOUBLE>", embeddingType.sql());
    }
    SpaceSpec spec = existing;
    boolean dimsKnown = true;
    if (spec == null) {
      Integer dims = options.dimensions();
      dimsKnown = dims != null;
      spec = options.specFor(dims != null ? dims : 1);
    } else if (options.dimensions() != null && options.dimensions() != spec.dimensions()) {
      throw SparkErrors.dimensionsOptionMismatch(options.dimensions(), spec.name(), spec.dimensions());
    }
    WriteTarget target =
        WriteTarget.of(hub, spec, dimsKnown, isDouble, keyOrdinal, embeddingOrdinal, options.dedupe(),
            options.indexing());
    boolean replaceAll = truncate;
    String keyColumn = schema.fields()[keyOrdinal].name();
    long inputBytes = WriteInputSize.ofWriteInPlanning(dimsKnown ? spec.dimensions() : 0).orElse(Long.MAX_VALUE);
    boolean oneTask = inputBytes <= spec.targetFileBytes();
    return new SortedWrite(
        new SparkBatchWrite(target, replaceAll), replaceAll, keyColumn, spec.buckets(), spec.targetFileBytes(), oneTask);
  }

  private static boolean hasColumn(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static int ordinal(StructType schema, String name) {
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      if (f.name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw SparkErrors.missingWriteColumn(name, schema.fieldNames());
  }

  /**
   * A write whose input Spark range-partitions and sorts by (bucket, key) (the catalogs serve
   * {@code bucket}): into partitions of about one data file each, or, for an input Spark knows to be
   * smaller than one file ({@link WriteInputSize}), into one partition, which spares the range
   * partitioner's sampling job (a pass over the input) and Spark's per-job costs.
   */
  private static final class SortedWrite implements Write, RequiresDistributionAndOrdering {
    private final BatchWrite batch;
    private final boolean overwrite;
    private final SortOrder[] order;
    private final long advisoryBytes;
    private final boolean oneTask;

    SortedWrite(BatchWrite batch, boolean overwrite, String keyColumn, int buckets, long advisoryBytes, boolean oneTask) {
      this.batch = batch;
      this.overwrite = overwrite;
      this.order = new SortOrder[] {
        Expressions.sort(Expressions.bucket(buckets, keyColumn), SortDirection.ASCENDING),
        Expressions.sort(Expressions.column(keyColumn), SortDirection.ASCENDING)
      };
      this.advisoryBytes = advisoryBytes;
      this.oneTask = oneTask;
    }

    @Override
    public Distribution requiredDistribution() {
      return Distributions.ordered(order);
    }

    @Override
    public SortOrder[] requiredOrdering() {
      return order;
    }

    @Override
    public int requiredNumPartitions() {
      return oneTask ? 1 : 0;
    }

    @Override
    public long advisoryPartitionSizeInBytes() {
      return oneTask ? 0 : advisoryBytes; // Spark takes a partition count or a size, not both
    }

    @Override
    public BatchWrite toBatch() {
      return batch;
    }

    @Override
    public String description() {
      return "EmbeddingHubWrite(" + (overwrite ? "overwrite" : "append") + ")";
    }
  }
}
