package io.embeddinghub.spark;

import io.embeddinghub.engine.EngineKeys;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bucket(numBuckets, key)}: the store's key-to-bucket function ({@link EngineKeys#bucketOf}) as a
 * Spark function, so that Spark understands the partitioning a scan reports
 * ({@code bucket(B, key)}) and can skip shuffling a space for aggregations and joins on key.
 */
final class BucketFunction implements UnboundFunction {
  static final String NAME = "bucket";

  @Override
  public BoundFunction bind(StructType inputType) {
    if (inputType.fields().length != 2
        || !inputType.fields()[0].dataType().equals(DataTypes.IntegerType)
        || !inputType.fields()[1].dataType().equals(DataTypes.StringType)) {
      throw new UnsupportedOperationException("bucket(numBuckets INT, key STRING), got " + inputType.simpleString());
    }
    return new Bound();
  }

  @Override
  public String description() {
    return "bucket(numBuckets, key): floorMod(murmur3_x86_32(utf8(key)), numBuckets), EmbeddingHub's bucketing";
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The bound form; equal instances compute the same function, which lets Spark match partitionings. */
  static final class Bound implements ScalarFunction<Integer> {
    @Override
    public DataType[] inputTypes() {
      return new DataType[] {DataTypes.IntegerType, DataTypes.StringType};
    }

    @Override
    public DataType resultType() {
      return DataTypes.IntegerType;
    }

    @Override
    public Integer produceResult(InternalRow input) {
      if (input.isNullAt(1)) {
        return 0; // a null key: the write task rejects it with its own error
      }
      return EngineKeys.bucketOf(input.getUTF8String(1).toString(), input.getInt(0));
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String canonicalName() {
      return "embeddinghub.bucket";
    }
  }
}
