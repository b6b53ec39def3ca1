package io.embeddinghub.spark;

import io.embeddinghub.IndexResult;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.OptimizeResult;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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
 * A maintenance procedure of the catalog's {@code system} namespace, taking a space name and
 * returning one row: {@code CALL <catalog>.system.build_index('space')} and
 * {@code CALL <catalog>.system.optimize('space')}, each running the Spark job of
 * {@link EmbeddingHubSpark} of the same name.
 */
final class SpaceProcedure implements UnboundProcedure, BoundProcedure {
  private final String name;
  private final String description;
  private final StructType output;
  private final BiFunction<SparkSession, String, Object[]> run;

  private SpaceProcedure(String name, String description, StructType output, BiFunction<SparkSession, String, Object[]> run) {
    this.name = name;
    this.description = description;
    this.output = output;
    this.run = run;
  }

  /** The catalog's procedures by name, over the hub {@code hub}. */
  static Map<String, SpaceProcedure> all(HubRef hub) {
    SpaceProcedure buildIndex = new SpaceProcedure(
        "build_index",
        "Indexes the rows of a space that no index partition covers yet, one Spark task per partition",
        new StructType()
            .add("version", DataTypes.LongType, false)
            .add("partitions_added", DataTypes.IntegerType, false)
            .add("rows_indexed", DataTypes.LongType, false)
            .add("seconds", DataTypes.DoubleType, false),
        (spark, space) -> {
          IndexResult r = DistributedIndexBuild.run(spark, hub, space);
          return new Object[] {r.version(), r.partitionsAdded(), r.rowsIndexed(), r.buildNanos() / 1e9};
        });
    SpaceProcedure optimize = new SpaceProcedure(
        "optimize",
        "Rewrites small, overlapping and deletion-heavy data files into sorted files of the target size and"
            + " indexes the result, one Spark task per file group and per index partition, as one version",
        new StructType()
            .add("version", DataTypes.LongType, false)
            .add("files_removed", DataTypes.IntegerType, false)
            .add("files_added", DataTypes.IntegerType, false)
            .add("rows_rewritten", DataTypes.LongType, false)
            .add("partitions_built", DataTypes.IntegerType, false),
        (spark, space) -> {
          OptimizeResult r = DistributedOptimize.run(spark, hub, space);
          return new Object[] {r.version(), r.filesRemoved(), r.filesAdded(), r.rowsRewritten(), r.partitionsBuilt()};
        });
    return Map.of(buildIndex.name, buildIndex, optimize.name, optimize);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
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
      throw new InvalidInputException(name + " needs a space name, got NULL");
    }
    Object[] values = run.apply(SparkSession.active(), input.getUTF8String(0).toString());
    return List.<Scan>of(new Result(new GenericInternalRow(values), output)).iterator();
  }

  /** The procedure's one result row. */
  private record Result(InternalRow row, StructType readSchema) implements LocalScan {
    @Override
    public InternalRow[] rows() {
      return new InternalRow[] {row};
    }
  }
}
