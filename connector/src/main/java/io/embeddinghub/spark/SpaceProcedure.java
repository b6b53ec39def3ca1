package io.embeddinghub.spark;

import io.embeddinghub.IndexResult;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.VerifyResult;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.engine.VacuumJob;
import io.embeddinghub.engine.VerifyJob;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.catalog.procedures.BoundProcedure;
import org.apache.spark.sql.connector.catalog.procedures.ProcedureParameter;
import org.apache.spark.sql.connector.catalog.procedures.UnboundProcedure;
import org.apache.spark.sql.connector.read.LocalScan;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A maintenance procedure of the catalog's {@code system} namespace, taking a space name (and
 * options after it) and returning one row: {@code CALL <catalog>.system.build_index('space')},
 * {@code CALL <catalog>.system.optimize('space')} and {@code CALL <catalog>.system.vacuum('space',
 * retention_hours => 168, dry_run => false)} and {@code CALL <catalog>.system.verify('space',
 * all_versions => false)}, each running the Spark job of {@link
 * EmbeddingHubSpark} of the same name.
 */
final class SpaceProcedure implements UnboundProcedure, BoundProcedure {
  /** Vacuum's default retention, in hours: a week, as Delta's. */
  static final double VACUUM_RETENTION_HOURS_DEFAULT = 168;

  /** What a procedure does with its space and its whole input row. */
  @FunctionalInterface
  private interface Body {
    Object[] run(SparkSession spark, String space, InternalRow input);
  }

  private final String name;
  private final String description;
  private final StructType output;
  private final ProcedureParameter[] parameters;
  private final Body run;

  private SpaceProcedure(String name, String description, StructType output, Body run, ProcedureParameter... options) {
    this.name = name;
    this.description = description;
    this.output = output;
    this.parameters = new ProcedureParameter[options.length + 1];
    this.parameters[0] = ProcedureParameter.in("space", DataTypes.StringType).build();
    System.arraycopy(options, 0, this.parameters, 1, options.length);
    this.run = run;
  }

  private SpaceProcedure(String name, String description, StructType output, BiFunction<SparkSession, String, Object[]> run) {
    this(name, description, output, (spark, space, input) -> run.apply(spark, space));
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
          IndexResult r = IndexBuildJob.run(new SparkJobRunner(spark, hub), space);
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
          OptimizeResult r = OptimizeJob.run(new SparkJobRunner(spark, hub), space);
          return new Object[] {r.version(), r.filesRemoved(), r.filesAdded(), r.rowsRewritten(), r.partitionsBuilt()};
        });
    SpaceProcedure vacuum = new SpaceProcedure(
        "vacuum",
        "Deletes the files no version within the retention needs and expires older versions; the deletes"
            + " run as Spark tasks",
        new StructType()
            .add("files_deleted", DataTypes.IntegerType, false)
            .add("bytes_deleted", DataTypes.LongType, false)
            .add("versions_expired", DataTypes.IntegerType, false)
            .add("dry_run", DataTypes.BooleanType, false),
        (spark, space, input) -> {
          double hours = input.isNullAt(1) ? VACUUM_RETENTION_HOURS_DEFAULT : input.getDouble(1);
          if (!(hours >= 0) || Double.isInfinite(hours)) {
            throw SparkErrors.badRetentionHours(hours);
          }
          boolean dryRun = !input.isNullAt(2) && input.getBoolean(2);
          Duration retention = Duration.ofMillis(Math.round(hours * 3_600_000));
          VacuumResult r = VacuumJob.run(
              new SparkJobRunner(spark, hub), space, retention, dryRun ? VacuumOptions.DEFAULT.asDryRun() : VacuumOptions.DEFAULT);
          return new Object[] {r.filesDeleted(), r.bytesDeleted(), r.versionsExpired(), dryRun};
        },
        ProcedureParameter.in("retention_hours", DataTypes.DoubleType)
            .defaultValue(Double.toString(VACUUM_RETENTION_HOURS_DEFAULT)).build(),
        ProcedureParameter.in("dry_run", DataTypes.BooleanType).defaultValue("false").build());
    SpaceProcedure verify = new SpaceProcedure(
        "verify",
        "Checks every file the latest version (or, with all_versions => true, every retained version)"
            + " references, changing nothing; data and index files are checked in Spark tasks",
        new StructType()
            .add("ok", DataTypes.BooleanType, false)
            .add("versions_checked", DataTypes.IntegerType, false)
            .add("files_checked", DataTypes.LongType, false)
            .add("rows_checked", DataTypes.LongType, false)
            .add("problems", DataTypes.createArrayType(DataTypes.StringType, false), false),
        (spark, space, input) -> {
          boolean all = !input.isNullAt(1) && input.getBoolean(1);
          io.embeddinghub.engine.Validation.checkSpaceName(space);
          VerifyResult r = (all ? VerifyJob.all(hub.engine(), space) : VerifyJob.latest(hub.engine(), space))
              .run(new SparkJobRunner(spark, hub));
          Object[] problems = r.problems().stream().map(p -> UTF8String.fromString(p.toString())).toArray();
          return new Object[] {r.ok(), r.versions().size(), r.filesChecked(), r.rowsChecked(), new GenericArrayData(problems)};
        },
        ProcedureParameter.in("all_versions", DataTypes.BooleanType).defaultValue("false").build());
    return Map.of(buildIndex.name, buildIndex, optimize.name, optimize, vacuum.name, vacuum, verify.name, verify);
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
    return parameters.clone();
  }

  /** The columns of the procedure's result row. */
  StructType outputType() {
    return output;
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }

  @Override
  public Iterator<Scan> call(InternalRow input) {
    if (input.isNullAt(0)) {
      throw SparkErrors.procedureWithoutSpace(name);
    }
    Object[] values = run.run(SparkSession.active(), input.getUTF8String(0).toString(), input);
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
