package io.embeddinghub.spark;

/**
 * Test-side Spark-line shim beside the main {@code PartitionRouting} (Spark before 4.1): rows reach
 * their bucket's task through an RDD shuffle below the DataFrame ({@code Scan ExistingRDD}), which
 * the SQL plan does not show.
 */
final class SparkRouting {
  private SparkRouting() {}

  /** The {@code Exchange}s one routing of rows to their tasks adds to the SQL plan. */
  static int exchangesPerRouting() {
    return 0;
  }
}
