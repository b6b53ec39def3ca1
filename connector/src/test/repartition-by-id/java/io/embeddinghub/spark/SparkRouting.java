package io.embeddinghub.spark;

/**
 * Test-side Spark-line shim beside the main {@code PartitionRouting} (Spark 4.1+): rows reach their
 * bucket's task through {@code Dataset.repartitionById}, a shuffle the SQL plan shows.
 */
final class SparkRouting {
  private SparkRouting() {}

  /** The {@code Exchange}s one routing of rows to their tasks adds to the SQL plan. */
  static int exchangesPerRouting() {
    return 1;
  }
}
