package io.embeddinghub.spark;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.runtime.AbstractFunction1;

/**
 * A table function's builder as {@code SparkSessionExtensions.injectTableFunction} takes it on
 * Scala 2.13 (the {@code scala-2.13} shim: its {@code Seq} is {@code scala.collection.immutable.Seq}), over a Java function of
 * the arguments.
 */
final class TableFunctionBuilder extends AbstractFunction1<scala.collection.immutable.Seq<Expression>, LogicalPlan> {
  private final Function<List<Expression>, LogicalPlan> build;

  TableFunctionBuilder(Function<List<Expression>, LogicalPlan> build) {
    this.build = build;
  }

  @Override
  public LogicalPlan apply(scala.collection.immutable.Seq<Expression> arguments) {
    return build.apply(ScalaCollections.asJava(arguments));
  }
}
