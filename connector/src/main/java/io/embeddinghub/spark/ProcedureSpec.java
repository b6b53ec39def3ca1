package io.embeddinghub.spark;

import io.embeddinghub.IndexResult;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.VerifyResult;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.engine.VacuumJob;
import io.embeddinghub.engine.VerifyJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A maintenance procedure of a catalog's {@code system} namespace, defined once for every Spark
 * line: its name, parameters (a space name first, options after it, each with its SQL default),
 * result columns and body. {@code CALL <catalog>.system.build_index('space')}, {@code
 * optimize('space')}, {@code vacuum('space', retention_hours => 168, dry_run => false)} and {@code
 * verify('space', all_versions => false)} each run the Spark job of {@link EmbeddingHubSpark} of the
 * same name and return one row; {@code history('space')} returns a row per retained version, oldest
 * first, as {@code Space.history()} lists them. A Spark-line shim binds them to {@code CALL}: Spark's procedure API on 4.0+
 * ({@code SpaceProcedure}), the session extensions' parser on 3.5 ({@code CallCommand}).
 *
 * @param parameters in call order; the first is {@code space}
 * @param body runs the procedure on its input row (the parameters' values, in order, defaults
 *     applied; Spark's internal types) and returns the result rows (internal types)
 */
record ProcedureSpec(String name, String description, StructType output, List<Parameter> parameters, Body body) {
  /** Vacuum's default retention, in hours: a week, as Delta's. */
  static final double VACUUM_RETENTION_HOURS_DEFAULT = 168;

  /** A parameter; {@code defaultValue} is a SQL literal, or null for a required parameter. */
  record Parameter(String name, DataType type, String defaultValue) {}

  /** What a procedure does with the hub, its space and its whole input row. */
  @FunctionalInterface
  interface Body {
    List<Object[]> run(SparkSession spark, HubRef hub, String space, InternalRow input);
  }

  ProcedureSpec {
    parameters = List.copyOf(parameters);
  }

  private static ProcedureSpec of(String name, String description, StructType output, Body body, Parameter... options) {
    List<Parameter> parameters = new ArrayList<>();
    parameters.add(new Parameter("space", DataTypes.StringType, null));
    parameters.addAll(List.of(options));
    return new ProcedureSpec(name, description, output, parameters, body);
  }

  /** Runs the procedure: the input row holds every parameter's value, defaults applied. */
  List<Object[]> call(SparkSession spark, HubRef hub, InternalRow input) {
    if (input.isNullAt(0)) {
      throw SparkErrors.procedureWithoutSpace(name);
    }
    return body.run(spark, hub, input.getUTF8String(0).toString(), input);
  }

  /** The procedures by name. */
  static Map<String, ProcedureSpec> all() {
    ProcedureSpec buildIndex = of(
        "build_index",
        "Indexes the rows of a space that no index partition covers yet, one Spark task per partition",
        new StructType()
            .add("version", DataTypes.LongType, false)
            .add("partitions_added", DataTypes.IntegerType, false)
            .add("rows_indexed", DataTypes.LongType, false)
            .add("seconds", DataTypes.DoubleType, false),
        (spark, hub, space, input) -> {
          IndexResult r = IndexBuildJob.run(new SparkJobRunner(spark, hub), space);
          return row(r.version(), r.partitionsAdded(), r.rowsIndexed(), r.buildNanos() / 1e9);
        });
    ProcedureSpec optimize = of(
        "optimize",
        "Rewrites small, overlapping and deletion-heavy data files into sorted files of the target size and"
            + " indexes the result, one Spark task per file group and per index partition, as one version",
        new StructType()
            .add("version", DataTypes.LongType, false)
            .add("files_removed", DataTypes.IntegerType, false)
            .add("files_added", DataTypes.IntegerType, false)
            .add("rows_rewritten", DataTypes.LongType, false)
            .add("partitions_built", DataTypes.IntegerType, false),
        (spark, hub, space, input) -> {
          OptimizeResult r = OptimizeJob.run(new SparkJobRunner(spark, hub), space);
          return row(r.version(), r.filesRemoved(), r.filesAdded(), r.rowsRewritten(), r.partitionsBuilt());
        });
    ProcedureSpec vacuum = of(
        "vacuum",
        "Deletes the files no version within the retention needs and expires older versions; the deletes"
            + " run as Spark tasks",
        new StructType()
            .add("files_deleted", DataTypes.IntegerType, false)
            .add("bytes_deleted", DataTypes.LongType, false)
            .add("versions_expired", DataTypes.IntegerType, false)
            .add("dry_run", DataTypes.BooleanType, false),
        (spark, hub, space, input) -> {
          double hours = input.isNullAt(1) ? VACUUM_RETENTION_HOURS_DEFAULT : input.getDouble(1);
          if (!(hours >= 0) || Double.isInfinite(hours)) {
            throw SparkErrors.badRetentionHours(hours);
          }
          boolean dryRun = !input.isNullAt(2) && input.getBoolean(2);
          Duration retention = Duration.ofMillis(Math.round(hours * 3_600_000));
          VacuumResult r = VacuumJob.run(
              new SparkJobRunner(spark, hub), space, retention, dryRun ? VacuumOptions.DEFAULT.asDryRun() : VacuumOptions.DEFAULT);
          return row(r.filesDeleted(), r.bytesDeleted(), r.versionsExpired(), dryRun);
        },
        new Parameter("retention_hours", DataTypes.DoubleType, Double.toString(VACUUM_RETENTION_HOURS_DEFAULT)),
        new Parameter("dry_run", DataTypes.BooleanType, "false"));
    ProcedureSpec verify = of(
        "verify",
        "Checks every file the latest version (or, with all_versions => true, every retained version)"
            + " references, changing nothing; data and index files are checked in Spark tasks",
        new StructType()
            .add("ok", DataTypes.BooleanType, false)
            .add("versions_checked", DataTypes.IntegerType, false)
            .add("files_checked", DataTypes.LongType, false)
            .add("rows_checked", DataTypes.LongType, false)
            .add("problems", DataTypes.createArrayType(DataTypes.StringType, false), false),
        (spark, hub, space, input) -> {
          boolean all = !input.isNullAt(1) && input.getBoolean(1);
          io.embeddinghub.engine.Validation.checkSpaceName(space);
          VerifyResult r = (all ? VerifyJob.all(hub.engine(), space) : VerifyJob.latest(hub.engine(), space))
              .run(new SparkJobRunner(spark, hub));
          Object[] problems = r.problems().stream().map(p -> UTF8String.fromString(p.toString())).toArray();
          return row(r.ok(), r.versions().size(), r.filesChecked(), r.rowsChecked(), new GenericArrayData(problems));
        },
        new Parameter("all_versions", DataTypes.BooleanType, "false"));
    ProcedureSpec history = of(
        "history",
        "Lists every retained version of a space, oldest first: when it was committed, the operation that"
            + " made it, the rows it added and deleted, and the keys the space held afterwards",
        new StructType()
            .add("version", DataTypes.LongType, false)
            .add("timestamp", DataTypes.TimestampType, false)
            .add("operation", DataTypes.StringType, false)
            .add("rows_added", DataTypes.LongType, false)
            .add("rows_deleted", DataTypes.LongType, false)
            .add("size", DataTypes.LongType, false),
        (spark, hub, space, input) -> {
          List<Object[]> rows = new ArrayList<>();
          for (VersionInfo v : hub.engine().space(io.embeddinghub.engine.Validation.checkSpaceName(space)).history()) {
            rows.add(new Object[] {v.version(), Timestamps.micros(v.timestamp()), UTF8String.fromString(v.operation()),
                v.rowsAdded(), v.rowsDeleted(), v.size()});
          }
          return rows;
        });
    return Map.of(buildIndex.name, buildIndex, optimize.name, optimize, vacuum.name, vacuum, verify.name, verify,
        history.name, history);
  }

  /** A one-row result. */
  private static List<Object[]> row(Object... values) {
    List<Object[]> rows = new ArrayList<>(1);
    rows.add(values);
    return rows;
  }
}
