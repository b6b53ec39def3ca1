package io.embeddinghub.spark;

import io.embeddinghub.engine.FileRows;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads one data file's live rows (the pinned version's deletion vector applied) as
 * {@code (key, embedding)} rows, or {@code (key)} rows when only keys are read, in which case
 * the embedding column is never decoded.
 */
final class SparkPartitionReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    SparkInputPartition p = (SparkInputPartition) partition;
    FileRows rows = p.file().readLive(p.hub().engine(), p.dimensions(), p.keysOnly());
    return new PartitionReader<>() {
      @Override
      public boolean next() {
        return rows.next();
      }

      @Override
      public InternalRow get() {
        UTF8String key = UTF8String.fromString(rows.key());
        if (p.keysOnly()) {
          return new GenericInternalRow(new Object[] {key});
        }
        return new GenericInternalRow(new Object[] {key, UnsafeArrayData.fromPrimitiveArray(rows.vector())});
      }

      @Override
      public void close() {}
    };
  }
}
