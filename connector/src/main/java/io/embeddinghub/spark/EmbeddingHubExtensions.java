package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Session extensions: {@code spark.sql.extensions = io.embeddinghub.spark.EmbeddingHubExtensions}
 * adds the {@code nearest_neighbors} and {@code multiget} table functions and, on Spark 4.2, rewrites {@code APPROX NEAREST}
 * joins on a space into its index probe ({@code NearestByRewrite}, installed by the Spark-line shim
 * {@code NearestBySupport}); on Spark 3.5, which has no {@code CALL}, it parses {@code CALL
 * <catalog>.system.<procedure>(…)} (the shim {@code ProcedureSupport}).
 */
public final class EmbeddingHubExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectTableFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(NearestNeighborsTableFunction.NAME),
            new ExpressionInfo(NearestNeighborsTableFunction.class.getName(), null, NearestNeighborsTableFunction.NAME,
                NearestNeighborsTableFunction.USAGE, ""),
            new TableFunctionBuilder(NearestNeighborsTableFunction::plan)));
    extensions.injectTableFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(MultigetTableFunction.NAME),
            new ExpressionInfo(MultigetTableFunction.class.getName(), null, MultigetTableFunction.NAME,
                MultigetTableFunction.USAGE, ""),
            new TableFunctionBuilder(MultigetTableFunction::plan)));
    NearestBySupport.install(extensions); // a Spark-line shim: the rewrite on Spark 4.2, nothing before
    ProcedureSupport.install(extensions); // a Spark-line shim: CALL's parser on Spark 3.5, nothing after
    return BoxedUnit.UNIT;
  }
}
