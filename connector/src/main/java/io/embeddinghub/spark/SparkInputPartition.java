package io.embeddinghub.spark;

import io.embeddinghub.engine.ScanFile;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.HasPartitionKey;

/**
 * One live data file of the pinned version: what one read task reads. Its partition key is its
 * bucket, so Spark groups a bucket's files into one partition when it uses the reported
 * {@code bucket(B, key)} partitioning.
 */
record SparkInputPartition(HubRef hub, ScanFile file, int dimensions, boolean keysOnly) implements HasPartitionKey {
  @Override
  public InternalRow partitionKey() {
    return new GenericInternalRow(new Object[] {file.bucket()});
  }
}
