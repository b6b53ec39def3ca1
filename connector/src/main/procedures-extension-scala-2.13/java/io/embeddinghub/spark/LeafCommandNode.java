package io.embeddinghub.spark;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.TreePattern$;
import org.apache.spark.sql.execution.command.LeafRunnableCommand;
import scala.Enumeration;
import scala.collection.immutable.List;
import scala.collection.immutable.Nil$;

/**
 * What scalac generates for a leaf {@code RunnableCommand} case class and Java must spell out,
 * where Scala 2.13's signatures show (the {@code procedures-extension-scala-2.13} shim): no children,
 * and {@code Command}'s node pattern.
 */
abstract class LeafCommandNode extends LogicalPlan implements LeafRunnableCommand {
  @Override
  @SuppressWarnings("unchecked")
  public List<LogicalPlan> children() {
    return (List<LogicalPlan>) (List<?>) Nil$.MODULE$;
  }

  @Override
  public LogicalPlan withNewChildrenInternal(scala.collection.immutable.IndexedSeq<LogicalPlan> newChildren) {
    return this;
  }

  @Override
  public List<Enumeration.Value> nodePatterns() {
    return Nil$.MODULE$.$colon$colon(TreePattern$.MODULE$.COMMAND());
  }

  @Override
  public void org$apache$spark$sql$catalyst$plans$logical$Command$_setter_$nodePatterns_$eq(
      scala.collection.immutable.Seq<Enumeration.Value> patterns) {
    // Command's val, set by its initializer in Scala classes; nodePatterns() above returns it
  }
}
