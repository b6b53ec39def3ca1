package io.embeddinghub.spark;

/**
 * Test-side Spark-line shim: which features of the Spark line the tests run on exist.
 * Spark 4.2: the NEAREST BY join and the vector distance functions exist.
 */
final class SparkLine {
  private SparkLine() {}

  /** Whether Spark parses {@code APPROX NEAREST k BY ...} joins (for {@code @EnabledIf}). */
  static boolean nearestBy() {
    return true;
  }
}
