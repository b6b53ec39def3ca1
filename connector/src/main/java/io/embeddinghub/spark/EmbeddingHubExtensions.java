package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Session extensions: {@code spark.sql.extensions = io.embeddinghub.spark.EmbeddingHubExtensions}
 * adds the {@code nearest_neighbors} table function.
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
    return BoxedUnit.UNIT;
  }
}
