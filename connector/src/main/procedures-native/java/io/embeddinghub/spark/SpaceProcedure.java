package io.embeddinghub.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.procedures.BoundProcedure;
import org.apache.spark.sql.connector.catalog.procedures.ProcedureParameter;
import org.apache.spark.sql.connector.catalog.procedures.UnboundProcedure;
import org.apache.spark.sql.connector.read.LocalScan;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/**
 * A {@link ProcedureSpec} of the hub {@code hub} through Spark's procedure API (Spark 4.0+, the
 * {@code procedures-native} shim): Spark parses {@code CALL}, binds the arguments to the parameters
 * and applies their defaults.
 */
final class SpaceProcedure implements UnboundProcedure, BoundProcedure {
  private final ProcedureSpec spec;
  private final HubRef hub;
  private final ProcedureParameter[] parameters;

  SpaceProcedure(ProcedureSpec spec, HubRef hub) {
    this.spec = spec;
    this.hub = hub;
    this.parameters = spec.parameters().stream()
        .map(p -> {
          ProcedureParameter.Builder b = ProcedureParameter.in(p.name(), p.type());
          return (p.defaultValue() == null ? b : b.defaultValue(p.defaultValue())).build();
        })
        .toArray(ProcedureParameter[]::new);
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String description() {
    return spec.description();
  }

  @Override
  public BoundProcedure bind(StructType inputType) {
    return this;
  }

  @Override
  public ProcedureParameter[] parameters() {
    return parameters.clone();
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }

  @Override
  public Iterator<Scan> call(InternalRow input) {
    InternalRow[] rows = spec.call(SparkSession.active(), hub, input).stream()
        .map(GenericInternalRow::new).toArray(InternalRow[]::new);
    return List.<Scan>of(new Result(rows, spec.output())).iterator();
  }

  /** The procedure's result rows. */
  private record Result(InternalRow[] rows, StructType readSchema) implements LocalScan {}
}
