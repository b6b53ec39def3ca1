package io.embeddinghub.spark;

import io.embeddinghub.KeyFilter;
import io.embeddinghub.engine.EngineSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code multiget('<catalog>.<space>', ARRAY('a', 'b', …) | '<key predicate>' [, version])}: the
 * {@code key, embedding} rows of the given keys that the space holds (latest version, or {@code
 * version}), each once, by point reads, never a scan of the space. The predicate names keys: {@code
 * key = 'x'}, {@code key IN ('x', …)} or {@code key IN (SELECT …)} (uncorrelated, run once when the
 * statement is analyzed, at most {@value EmbeddingHubSpark#MAX_ALLOWED_KEYS} distinct keys), joined
 * by {@code AND}. The keys are collected on the driver when the statement is analyzed and the
 * version pinned then; the lookup is {@link EmbeddingHubSpark#multiget}'s: up to {@code
 * embeddinghub.read.point-lookup.max-keys} keys answered on the driver, more by one task per
 * bucket reading only that bucket's files.
 */
final class MultigetTableFunction {
  static final String NAME = "multiget";
  static final String USAGE =
      NAME + "('<catalog>.<space>', ARRAY('<key>', ...) | '<predicate naming keys>' [, version])"
          + " - key, embedding of the keys the space holds, each once, by point reads";

  private MultigetTableFunction() {}

  /** The plan of one call (Spark's table-function builder, through {@link TableFunctionBuilder}). */
  static LogicalPlan plan(List<Expression> args) {
    if (args.size() < 2 || args.size() > 3) {
      throw SparkErrors.tableFunctionUsage(USAGE, args.size());
    }
    TableFunctionArguments arguments = new TableFunctionArguments(NAME);
    SparkSession spark = SparkSession.active();
    TableFunctionArguments.SpaceRef ref = arguments.space(args.get(0), spark);
    Long version = null;
    if (args.size() == 3) {
      version = arguments.number(args.get(2), "the version");
      if (version < 0) {
        throw SparkErrors.multigetVersion(version);
      }
    }
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, ref.root());
    EngineSnapshot state = hub.pin(ref.space(), version);
    List<Row> keys = new ArrayList<>();
    keys(args.get(1), arguments, spark).forEach(k -> keys.add(RowFactory.create(k)));
    StructType keySchema = new StructType().add("key", DataTypes.StringType, false);
    return hub.multiget(state, spark.createDataFrame(keys, keySchema), MissingKeys.DROP).queryExecution().analyzed();
  }

  /** The distinct keys asked for, in the order given (null and empty keys match nothing). */
  private static Set<String> keys(Expression e, TableFunctionArguments arguments, SparkSession spark) {
    Object value = arguments.foldable(e, "the keys").eval(null);
    Set<String> keys = new LinkedHashSet<>();
    if (value instanceof ArrayData array) {
      boolean strings = ((ArrayType) e.dataType()).elementType().equals(DataTypes.StringType);
      if (!strings && array.numElements() > 0) {
        throw SparkErrors.multigetKeys(e.sql(), e.dataType().sql());
      }
      for (int i = 0; i < array.numElements(); i++) {
        if (!array.isNullAt(i)) {
          keys.add(array.getUTF8String(i).toString());
        }
      }
    } else if (value instanceof UTF8String text) {
      String predicate = text.toString();
      KeyFilter filter = KeyConditionFilter.parse(predicate, spark, EmbeddingHubSpark.MAX_ALLOWED_KEYS,
          "join the space with the keys");
      if (!(filter instanceof KeyFilter.In in)) {
        throw SparkErrors.multigetNotKeys(predicate);
      }
      keys.addAll(in.keys());
    } else {
      throw SparkErrors.multigetKeys(e.sql(), e.dataType().sql());
    }
    keys.remove("");
    return keys;
  }
}
