package io.embeddinghub.spark;

import io.embeddinghub.IndexResult;
import io.embeddinghub.InvalidInputException;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code CALL <catalog>.system.build_index('space')}: indexes the space's unindexed tail as a
 * Spark job ({@link DistributedIndexBuild}) and returns one row {@code (version,
 * partitions_added, rows_indexed, seconds)}.
 */
final class BuildIndexProcedure implements UnboundProcedure, BoundProcedure {
  static final String NAME = "build_index";
  private static final StructType OUTPUT = new StructType()
      .add("version", DataTypes.LongType, false)
      .add("partitions_added", DataTypes.IntegerType, false)
      .add("rows_indexed", DataTypes.LongType, false)
      .add("seconds", DataTypes.DoubleType, false);

  private final HubRef hub;

  BuildIndexProcedure(HubRef hub) {
    this.hub = hub;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Indexes the rows of a space that no index partition covers yet, one Spark task per partition";
  }

  @Override
  public BoundProcedure bind(StructType inputType) {
    return this;
  }

  @Override
  public ProcedureParameter[] parameters() {
    return new ProcedureParameter[] {ProcedureParameter.in("space", DataTypes.StringType).build()};
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }

  @Override
  public Iterator<Scan> call(InternalRow input) {
    if (input.isNullAt(0)) {
      throw new InvalidInputException("build_index needs a space name, got NULL");
    }
    String space = input.getUTF8String(0).toString();
    IndexResult r = DistributedIndexBuild.run(SparkSession.active(), hub, space);
    InternalRow row = new GenericInternalRow(
        new Object[] {r.version(), r.partitionsAdded(), r.rowsIndexed(), r.buildNanos() / 1e9});
    return List.<Scan>of(new Result(row)).iterator();
  }

  /** The procedure's one result row. */
  private record Result(InternalRow row) implements LocalScan {
    @Override
    public InternalRow[] rows() {
      return new InternalRow[] {row};
    }

    @Override
    public StructType readSchema() {
      return OUTPUT;
    }
  }

}
