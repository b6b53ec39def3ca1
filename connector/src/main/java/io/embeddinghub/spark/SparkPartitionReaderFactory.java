package io.embeddinghub.spark;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.table.HubContext;
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
    HubContext ctx = p.hub().context();
    FileContents contents =
        p.keysOnly()
            ? ctx.cache().keys(p.file(), p.dimensions())
            : ctx.cache().full(p.file(), p.dimensions());
    DeletionVector deleted = DeletionVector.decode(p.deletedRows());
    return new PartitionReader<>() {
      private int row = -1;

      @Override
      public boolean next() {
        do {
          row++;
        } while (row < contents.rows() && deleted.contains(row));
        return row < contents.rows();
      }

      @Override
      public InternalRow get() {
        UTF8String key = UTF8String.fromString(contents.key(row));
        if (p.keysOnly()) {
          return new GenericInternalRow(new Object[] {key});
        }
        return new GenericInternalRow(new Object[] {key, UnsafeArrayData.fromPrimitiveArray(contents.vector(row))});
      }

      @Override
      public void close() {}
    };
  }
}
