package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.runtime.AbstractFunction1;

/**
 * Spark-line shim (NEAREST BY, Spark 4.2): the NEAREST BY join ({@code NearestByJoin}) exists, so the session
 * extensions install {@link NearestByRewrite}. The variant for Spark before 4.2 (directory no-nearest-by) installs nothing.
 */
final class NearestBySupport {
  /** The setting that turns the rewrite off. */
  static final String ENABLED = NearestByRewrite.ENABLED;

  private NearestBySupport() {}

  /** Adds the rewrite of approximate nearest-neighbor joins on a space. */
  static void install(SparkSessionExtensions extensions) {
    extensions.injectPostHocResolutionRule(new RuleBuilder());
  }

  /** Makes the rewrite rule for a session. */
  private static final class RuleBuilder extends AbstractFunction1<SparkSession, Rule<LogicalPlan>> {
    @Override
    public Rule<LogicalPlan> apply(SparkSession spark) {
      return new NearestByRewrite(spark);
    }
  }
}
