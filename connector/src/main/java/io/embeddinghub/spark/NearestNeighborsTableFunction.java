package io.embeddinghub.spark;

import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.engine.SnapshotReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code nearest_neighbors('<catalog>.<space>', <vector or stored key>, k [, ef [, '<key
 * predicate>']])}: one query, answered on the driver by the store when the statement is analyzed,
 * as a table of {@code rank, key, distance}. The predicate, a SQL condition on {@code key} ({@link
 * KeyConditionFilter#FORMS}, e.g. {@code 'key IN (SELECT sku FROM products WHERE in_stock)'}),
 * restricts the answer to the keys it passes: exactly min(k, passing rows). An ef of 0 is the
 * default. For many queries use {@link EmbeddingHubSpark#nearestNeighbors}.
 */
final class NearestNeighborsTableFunction {
  static final String NAME = "nearest_neighbors";
  static final String USAGE =
      NAME + "('<catalog>.<space>', <ARRAY of numbers> | '<stored key>', k [, ef [, '<predicate on key>']])"
          + " - the k nearest keys (among those the predicate passes)";

  private static final StructType SCHEMA =
      new StructType()
          .add("rank", DataTypes.IntegerType, false)
          .add("key", DataTypes.StringType, false)
          .add("distance", DataTypes.FloatType, false);

  private NearestNeighborsTableFunction() {}

  /** The plan of one call (Spark's table-function builder, through {@link TableFunctionBuilder}). */
  static LogicalPlan plan(List<Expression> args) {
    if (args.size() < 3 || args.size() > 5) {
      throw SparkErrors.tableFunctionUsage(USAGE, args.size());
    }
    TableFunctionArguments arguments = new TableFunctionArguments(NAME);
    SparkSession spark = SparkSession.active();
    TableFunctionArguments.SpaceRef ref = arguments.space(args.get(0), spark);
    String root = ref.root();
    String space = ref.space();
    int k = (int) arguments.number(args.get(2), "k");
    int ef = args.size() >= 4 ? (int) arguments.number(args.get(3), "ef") : 0;
    HubRef hub = new HubRef(root, spark.sessionState().newHadoopConf());
    SnapshotReader reader = hub.engine().space(space).latest().reader(hub.engine());
    SearchOptions options = SearchOptions.withEf(ef);
    if (args.size() == 5) {
      String predicate = arguments.string(args.get(4), "the key filter");
      options = options.withFilter(KeyConditionFilter.parse(predicate, spark, EmbeddingHubSpark.MAX_ALLOWED_KEYS,
          "search without a filter and join"));
    }
    Object query = arguments.foldable(args.get(1), "the query").eval(null);
    List<Neighbor> neighbors;
    if (query instanceof UTF8String key) {
      neighbors = reader.nearestToKey(k, key.toString(), options);
    } else if (query instanceof ArrayData array) {
      float[] vector = new float[array.numElements()];
      for (int i = 0; i < vector.length; i++) {
        if (array.isNullAt(i)) {
          throw SparkErrors.nullInQuery(i);
        }
        vector[i] = toFloat(args.get(1), array, i);
      }
      neighbors = reader.nearestToVector(k, vector, options);
    } else {
      throw SparkErrors.tableFunctionQuery(args.get(1).sql());
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < neighbors.size(); i++) {
      rows.add(RowFactory.create(i + 1, neighbors.get(i).key(), neighbors.get(i).distance()));
    }
    scala.collection.immutable.List<org.apache.spark.sql.catalyst.expressions.Attribute> output =
        ScalaCollections.toList(new ArrayList<org.apache.spark.sql.catalyst.expressions.Attribute>(
            ScalaCollections.asJava(DataTypeUtils.toAttributes(SCHEMA))));
    return LocalRelation.fromExternalRows(output, ScalaCollections.toList(rows));
  }

  private static float toFloat(Expression expr, ArrayData array, int i) {
    org.apache.spark.sql.types.DataType element =
        ((org.apache.spark.sql.types.ArrayType) expr.dataType()).elementType();
    if (element.equals(DataTypes.FloatType)) {
      return array.getFloat(i);
    }
    if (element.equals(DataTypes.DoubleType)) {
      return (float) array.getDouble(i);
    }
    if (element.equals(DataTypes.IntegerType)) {
      return array.getInt(i);
    }
    if (element instanceof org.apache.spark.sql.types.DecimalType decimal) {
      return array.getDecimal(i, decimal.precision(), decimal.scale()).toFloat();
    }
    throw SparkErrors.queryElementType(element.sql());
  }
}
