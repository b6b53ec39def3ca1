package io.embeddinghub.spark;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.logical.Statistics$;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructField;
import scala.collection.immutable.List;
import scala.collection.immutable.Map;

/**
 * One {@code CALL} of a procedure (Spark 3.5, the {@code procedures-extension} shim): a leaf
 * command that Spark runs once, eagerly, as it runs its own commands, and whose output is the
 * procedure's result row. {@link CallParser} makes it with the arguments already bound.
 *
 * <p>Written in Java against Scala traits: what scalac would generate for a case class is spelled
 * out, here and in {@link LeafCommandNode} (no product elements, so {@code clone}/{@code makeCopy}
 * return the node itself: it is immutable and has no children or expressions to replace).
 */
final class CallCommand extends LeafCommandNode {
  private final String call;
  private final ProcedureSpec spec;
  private final HubRef hub;
  private final InternalRow input;
  private final List<Attribute> output;

  @SuppressWarnings("unchecked")
  CallCommand(String call, ProcedureSpec spec, HubRef hub, InternalRow input) {
    this.call = call;
    this.spec = spec;
    this.hub = hub;
    this.input = input;
    this.output = (List<Attribute>) (List<?>) DataTypeUtils.toAttributes(spec.output()).toList();
  }

  @Override
  public List<Row> run(SparkSession spark) {
    StructField[] fields = spec.output().fields();
    java.util.List<Row> rows = new java.util.ArrayList<>();
    for (Object[] values : spec.call(spark, hub, input)) {
      Object[] external = new Object[values.length];
      for (int i = 0; i < values.length; i++) {
        external[i] = CatalystTypeConverters.convertToScala(values[i], fields[i].dataType());
      }
      rows.add(RowFactory.create(external));
    }
    return ScalaCollections.toList(rows);
  }

  @Override
  public List<Attribute> output() {
    return output;
  }

  @Override
  public String argString(int maxFields) {
    return call + Arrays.toString(spec.parameters().stream().map(ProcedureSpec.Parameter::name).toArray());
  }

  @Override
  public LogicalPlan mapChildren(scala.Function1<LogicalPlan, LogicalPlan> f) {
    return this;
  }

  @Override
  public LogicalPlan clone() {
    return this;
  }

  @Override
  public LogicalPlan makeCopy(Object[] newArgs) {
    return this;
  }

  @Override
  public AttributeSet producedAttributes() {
    return outputSet(); // as Command's
  }

  @Override
  public Statistics stats() {
    return Statistics$.MODULE$.DUMMY(); // as Command's
  }

  @Override
  public Map<String, SQLMetric> metrics() {
    return scala.collection.immutable.Map$.MODULE$.empty();
  }

  @Override
  public Object productElement(int n) {
    throw new IndexOutOfBoundsException(n);
  }

  @Override
  public int productArity() {
    return 0;
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof CallCommand;
  }
}
