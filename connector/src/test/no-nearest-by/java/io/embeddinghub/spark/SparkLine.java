package io.embeddinghub.spark;

/**
 * Test-side Spark-line shim: which features of the Spark line the tests run on exist.
 * Spark before 4.2: no NEAREST BY join (it is Spark 4.2's), so the tests of its rewrite are skipped.
 */
final class SparkLine {
  private SparkLine() {}

  /** Whether Spark parses {@code APPROX NEAREST k BY ...} joins (for {@code @EnabledIf}). */
  static boolean nearestBy() {
    return false;
  }
}
