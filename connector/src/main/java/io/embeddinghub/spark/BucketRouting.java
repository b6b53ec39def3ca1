package io.embeddinghub.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.embeddinghub.SearchOptions;
import io.embeddinghub.engine.EngineKeys;
import io.embeddinghub.engine.EngineSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Routes rows to the tasks of a bucket-wise job. Partition ids are passed straight through
 * ({@link PartitionRouting}, a Spark-line shim: {@code Dataset.repartitionById} from Spark 4.1),
 * not hashed: a hash of the bucket numbers would put several buckets in one task and leave others idle (with 2 buckets, Spark's hash sends both to one
 * partition). So each task holds exactly one bucket, and for searches one query partition.
 */
final class BucketRouting {
  /** The column holding a row's bucket. */
  static final String BUCKET = "__bucket";

  private BucketRouting() {}

  /**
   * Rows whose first column is {@code key}, as {@code (key, bucket, other columns...)} in {@code
   * buckets} partitions: partition b holds the keys of bucket b (null keys go to bucket 0, where
   * the task rejects or skips them).
   */
  static Dataset<Row> byKeyBucket(Dataset<Row> rows, int buckets) {
    String[] columns = rows.columns();
    List<Column> withBucket = new ArrayList<>();
    withBucket.add(rows.col(columns[0]));
    withBucket.add(bucketOf(buckets).apply(rows.col(columns[0])).as(BUCKET));
    for (int i = 1; i < columns.length; i++) {
      withBucket.add(rows.col(columns[i]));
    }
    return PartitionRouting.byId(rows.select(withBucket.toArray(Column[]::new)), buckets, col(BUCKET));
  }

  private static UserDefinedFunction bucketOf(int buckets) {
    return functions.udf(
        (UDF1<String, Integer>) key -> key == null ? 0 : EngineKeys.bucketOf(key, buckets), DataTypes.IntegerType);
  }

  /**
   * Every query once per search unit it probes ({@link EngineSnapshot#probedUnits}: the tail's
   * buckets, and the index partitions its vector routes to), with the unit inserted as the fourth
   * column, in {@code units × queryPartitions} partitions: partition {@code p × units + u} holds
   * unit u's copies of the queries whose id hashes to query partition p. A query with a null
   * vector goes to {@link EngineSnapshot#firstTailUnit} only (where a join keeps or drops it).
   */
  static Dataset<Row> fanOut(
      Dataset<Row> queries, String queryId, EngineSnapshot state, SearchOptions options, int units, int queryPartitions) {
    String[] columns = queries.columns();
    UserDefinedFunction route = functions.udf(new UnitRouter(state, options),
        DataTypes.createArrayType(DataTypes.IntegerType, false));
    List<Column> ordered = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      if (i == 3) {
        ordered.add(col(BUCKET));
      }
      ordered.add(col(columns[i]));
    }
    if (columns.length == 3) {
      ordered.add(col(BUCKET));
    }
    Column queryPartition = functions.pmod(functions.hash(col(queryId)), lit(queryPartitions));
    Column partition = queryPartition.multiply(units).plus(col(BUCKET));
    return PartitionRouting.byId(
        queries.withColumn(BUCKET, functions.explode(route.apply(queries.col(columns[1]))))
            .select(ordered.toArray(Column[]::new)),
        units * queryPartitions, partition);
  }

  /** The units a query vector probes, computed on executors from the pinned state. */
  private static final class UnitRouter implements UDF1<Object, List<Integer>> {
    private static final long serialVersionUID = 1L;
    private final EngineSnapshot state;
    private final SearchOptions options;

    UnitRouter(EngineSnapshot state, SearchOptions options) {
      this.state = state;
      this.options = options;
    }

    @Override
    public List<Integer> call(Object vector) {
      if (vector == null) {
        return List.of(state.firstTailUnit(options));
      }
      float[] query = SparkVectors.toFloats(vector);
      if (query.length != state.spec().dimensions()) {
        return List.of(state.firstTailUnit(options)); // its task reports the wrong dimensions
      }
      List<Integer> units = new ArrayList<>();
      for (int u : state.probedUnits(options, query)) {
        units.add(u);
      }
      return units;
    }
  }
}
