package io.embeddinghub.spark;

import java.math.BigInteger;
import java.util.OptionalLong;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.logical.V2WriteCommand;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.types.StructField;

/**
 * Spark's own estimate of a write's input, in bytes of float32 vectors and keys, so that a write
 * Spark knows to be small runs in one task (issue #22, "small jobs stay small").
 *
 * <p>Spark builds a write while it plans the write command, inside the command's SQL execution;
 * the execution's query names the command, whose input plan carries Spark's statistics. Spark
 * estimates rows well for local data ({@code createDataFrame}), ranges and tables with statistics,
 * but sizes an array column as one element, so the estimate is rows times a row of the space's
 * dimensions (or {@link #ASSUMED_DIMENSIONS} while the write infers them). Rows come from the
 * statistics' row count, else from their size divided by Spark's default size of a row, which
 * over-counts the rows of a file scan: a mistake in that direction only keeps a write parallel.
 */
final class WriteInputSize {
  /** The dimensions assumed for a write that infers them from its rows (a generous guess). */
  static final int ASSUMED_DIMENSIONS = 1024;
  /** A key and a row's overhead, in bytes, beside its vector. */
  private static final int ROW_OVERHEAD_BYTES = 48;

  private WriteInputSize() {}

  /**
   * The estimated bytes of the input of the write Spark is planning on this thread, or empty
   * when no planned write command is found or Spark has no estimate of its input.
   *
   * @param dimensions the space's dimensions, or 0 when the write infers them
   */
  static OptionalLong ofWriteInPlanning(int dimensions) {
    LogicalPlan input = plannedWriteInput();
    if (input == null) {
      return OptionalLong.empty();
    }
    BigInteger rows = estimatedRows(input);
    if (rows == null) {
      return OptionalLong.empty();
    }
    long rowBytes = 4L * (dimensions > 0 ? dimensions : ASSUMED_DIMENSIONS) + ROW_OVERHEAD_BYTES;
    BigInteger bytes = rows.multiply(BigInteger.valueOf(rowBytes));
    return bytes.bitLength() < 63 ? OptionalLong.of(bytes.longValue()) : OptionalLong.of(Long.MAX_VALUE);
  }

  /** The input plan of the write command of this thread's SQL execution, or null. */
  private static LogicalPlan plannedWriteInput() {
    SparkContext context = SparkSession.active().sparkContext();
    String executionId = context.getLocalProperty(SQLExecution.EXECUTION_ID_KEY());
    if (executionId == null) {
      return null;
    }
    QueryExecution execution = SQLExecution.getQueryExecution(Long.parseLong(executionId));
    if (execution == null) {
      return null;
    }
    LogicalPlan command = execution.analyzed();
    return command instanceof V2WriteCommand write ? write.query() : null;
  }

  private static BigInteger estimatedRows(LogicalPlan input) {
    Statistics stats = input.stats();
    if (stats.rowCount().isDefined()) {
      return stats.rowCount().get().bigInteger();
    }
    long defaultRowBytes = 8; // Spark's estimate of a row: 8 bytes plus each column's default size
    for (StructField field : input.schema().fields()) {
      defaultRowBytes += field.dataType().defaultSize();
    }
    return stats.sizeInBytes().bigInteger().divide(BigInteger.valueOf(defaultRowBytes));
  }
}
