package io.embeddinghub.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.embeddinghub.format.KeyBuckets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Routes rows to the tasks of a bucket-wise job. Partition ids are passed straight through
 * ({@code Dataset.repartitionById}), not hashed: a hash of the bucket numbers would put several
 * buckets in one task and leave others idle (with 2 buckets, Spark's hash sends both to one
 * partition). So each task holds exactly one bucket, and for searches one query partition.
 */
final class BucketRouting {
  /** The column holding a row's bucket. */
  static final String BUCKET = "__bucket";

  private BucketRouting() {}

  /**
   * Rows whose first column is {@code key}, as {@code (key, bucket, other columns...)} in {@code
   * buckets} partitions: partition b holds the keys of bucket b (null keys go to bucket 0, where
   * the task rejects or skips them).
   */
  static Dataset<Row> byKeyBucket(Dataset<Row> rows, int buckets) {
    String[] columns = rows.columns();
    List<Column> withBucket = new ArrayList<>();
    withBucket.add(rows.col(columns[0]));
    withBucket.add(bucketOf(buckets).apply(rows.col(columns[0])).as(BUCKET));
    for (int i = 1; i < columns.length; i++) {
      withBucket.add(rows.col(columns[i]));
    }
    return rows.select(withBucket.toArray(Column[]::new)).repartitionById(buckets, col(BUCKET));
  }

  private static UserDefinedFunction bucketOf(int buckets) {
    return functions.udf(
        (UDF1<String, Integer>) key -> key == null ? 0 : KeyBuckets.bucketOf(key, buckets), DataTypes.IntegerType);
  }

  /**
   * Every query once per bucket, with its bucket inserted as the fourth column, in {@code buckets
   * × queryPartitions} partitions: partition {@code p × buckets + b} holds bucket b's copies of the
   * queries whose id hashes to query partition p.
   */
  static Dataset<Row> fanOut(Dataset<Row> queries, String queryId, int buckets, int queryPartitions) {
    Dataset<Row> bucketIds =
        queries.sparkSession().range(buckets).select(col("id").cast(DataTypes.IntegerType).as(BUCKET));
    String[] columns = queries.columns();
    List<Column> ordered = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      if (i == 3) {
        ordered.add(col(BUCKET));
      }
      ordered.add(queries.col(columns[i]));
    }
    if (columns.length == 3) {
      ordered.add(col(BUCKET));
    }
    Column queryPartition = functions.pmod(functions.hash(col(queryId)), lit(queryPartitions));
    Column partition = queryPartition.multiply(buckets).plus(col(BUCKET));
    return queries.crossJoin(functions.broadcast(bucketIds))
        .select(ordered.toArray(Column[]::new))
        .repartitionById(buckets * queryPartitions, partition);
  }
}
