package io.embeddinghub.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The table schema every space has in Spark. */
final class SparkSchemas {
  static final String KEY = "key";
  static final String EMBEDDING = "embedding";

  static final StructType TABLE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(KEY, DataTypes.StringType, false),
            DataTypes.createStructField(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false)
          });

  static final StructType KEYS_ONLY =
      new StructType(new StructField[] {DataTypes.createStructField(KEY, DataTypes.StringType, false)});

  private SparkSchemas() {}
}
