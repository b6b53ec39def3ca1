package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSessionExtensions;

/**
 * Spark-line shim (no NEAREST BY: Spark 3.5 to 4.1): Spark before 4.2 has no NEAREST BY join
 * ({@code NearestByJoin}, the vector distance functions), so there is nothing to rewrite and the
 * extensions install no rule. The setting is still recognised (and ignored), so configurations move
 * between lines.
 */
final class NearestBySupport {
  /** The setting that turns the rewrite off (no effect before Spark 4.2). */
  static final String ENABLED = "spark.embeddinghub.nearestBy.rewrite";

  private NearestBySupport() {}

  /** Before Spark 4.2: nothing to install. */
  static void install(SparkSessionExtensions extensions) {}
}
