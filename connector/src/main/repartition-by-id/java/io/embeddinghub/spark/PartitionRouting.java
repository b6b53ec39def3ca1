package io.embeddinghub.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark-line shim (Spark 4.1+): rows to the partition a column names, through
 * {@code Dataset.repartitionById}. The variant for older lines does the same through an RDD.
 */
final class PartitionRouting {
  private PartitionRouting() {}

  /** {@code rows} in {@code partitions} partitions, each row in the partition {@code partitionId} gives. */
  static Dataset<Row> byId(Dataset<Row> rows, int partitions, Column partitionId) {
    return rows.repartitionById(partitions, partitionId);
  }
}
