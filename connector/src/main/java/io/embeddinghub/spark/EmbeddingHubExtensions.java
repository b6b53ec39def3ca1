package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Session extensions: {@code spark.sql.extensions = io.embeddinghub.spark.EmbeddingHubExtensions}
 * adds the {@code nearest_neighbors} table function and rewrites {@code APPROX NEAREST} joins on a
 * space into its index probe ({@link NearestByRewrite}).
 */
public final class EmbeddingHubExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectTableFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(NearestNeighborsTableFunction.NAME),
            new ExpressionInfo(NearestNeighborsTableFunction.class.getName(), null, NearestNeighborsTableFunction.NAME,
                NearestNeighborsTableFunction.USAGE, ""),
            new NearestNeighborsTableFunction()));
    extensions.injectPostHocResolutionRule(new NearestByRewriteBuilder());
    return BoxedUnit.UNIT;
  }

  /** Makes the rewrite rule for a session. */
  private static final class NearestByRewriteBuilder
      extends AbstractFunction1<org.apache.spark.sql.SparkSession, Rule<LogicalPlan>> {
    @Override
    public Rule<LogicalPlan> apply(org.apache.spark.sql.SparkSession spark) {
      return new NearestByRewrite(spark);
    }
  }
}
