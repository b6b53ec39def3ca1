package io.embeddinghub.spark;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.Tuple2;

/**
 * Spark-line shim (Spark 3.5 and 4.0, which have no {@code Dataset.repartitionById}): rows to the
 * partition a column names, through an RDD shuffle with a pass-through partitioner, then back to a
 * DataFrame of the same schema (its partitions are the RDD's, in order).
 */
final class PartitionRouting {
  private static final String PARTITION = "__partition_id";

  private PartitionRouting() {}

  /** {@code rows} in {@code partitions} partitions, each row in the partition {@code partitionId} gives. */
  static Dataset<Row> byId(Dataset<Row> rows, int partitions, Column partitionId) {
    int columns = rows.columns().length;
    JavaRDD<Row> routed = rows.withColumn(PARTITION, partitionId).toJavaRDD()
        .mapToPair(row -> new Tuple2<>(row.isNullAt(columns) ? 0 : ((Number) row.get(columns)).intValue(), row))
        .partitionBy(new PassThrough(partitions))
        .values()
        .map(row -> {
          Object[] values = new Object[columns];
          for (int i = 0; i < columns; i++) {
            values[i] = row.get(i);
          }
          return RowFactory.create(values);
        });
    return rows.sparkSession().createDataFrame(routed, rows.schema());
  }

  /** Partition i holds key i. */
  private static final class PassThrough extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    PassThrough(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }
  }
}
