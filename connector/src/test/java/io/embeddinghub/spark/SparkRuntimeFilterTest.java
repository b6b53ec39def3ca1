package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.EngineKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A SQL join of a space with a key table prunes the space's scan at run time (Spark's dynamic
 * partition pruning through {@code SupportsRuntimeV2Filtering} on {@code key}): with every other
 * bucket's data files deleted, a scan of the whole space fails while the join answers as the model.
 */
class SparkRuntimeFilterTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void aJoinWithASelectiveKeyTableReadsOnlyItsKeysBuckets() throws Exception {
    String root = SharedSpark.catalogRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("rtf", 2).buckets(16).build());
    Map<String, float[]> model = SparkDataFrameTest.randomRows(new Random(31), "k", 400, 2);
    space.multiset(model);
    List<Row> orders = List.of(RowFactory.create("k10", 2), RowFactory.create("k20", 1), RowFactory.create("k20", 5),
        RowFactory.create("k30", 1), RowFactory.create("absent", 3), RowFactory.create("k40", 0));
    // a Parquet table: Spark 4.2.0 keeps its filter, which dynamic pruning needs (a filter on local
    // rows is folded into a LocalRelation by the optimizer, and then no pruning is planned)
    String ordersPath = SharedSpark.newHubRoot() + "orders";
    spark.createDataFrame(orders, new StructType().add("sku", "string").add("qty", "int")).write().parquet(ordersPath);
    spark.read().parquet(ordersPath).createOrReplaceTempView("rtf_orders");
    Set<String> wanted = Set.of("k10", "k20", "k30", "absent"); // qty > 0
    Set<Integer> needed = new HashSet<>();
    wanted.forEach(k -> needed.add(EngineKeys.bucketOf(k, 16)));
    int deleted = 0;
    try (Stream<Path> dirs = Files.list(Path.of(URI.create(root + "rtf/data")))) {
      for (Path dir : dirs.toList()) {
        int bucket = Integer.parseInt(dir.getFileName().toString().substring("bucket=".length()));
        if (!needed.contains(bucket)) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
              Files.delete(f);
              deleted++;
            }
          }
        }
      }
    }
    assertThat(deleted).isPositive();

    Dataset<Row> joined = spark.sql("SELECT i.key, i.embedding, o.qty FROM hub.rtf i"
        + " JOIN (SELECT sku, qty FROM rtf_orders WHERE qty > 0) o ON i.key = o.sku");
    String plan = joined.queryExecution().executedPlan().toString();
    assertThat(plan).as(plan).contains("RuntimeFilters: [dynamicpruningexpression(key");
    List<Row> rows = joined.collectAsList();
    Map<String, Integer> expectedCount = new HashMap<>();
    orders.stream().filter(r -> r.getInt(1) > 0 && model.containsKey(r.getString(0)))
        .forEach(r -> expectedCount.merge(r.getString(0), 1, Integer::sum));
    Map<String, Integer> gotCount = new HashMap<>();
    for (Row r : rows) {
      gotCount.merge(r.getString(0), 1, Integer::sum);
      List<Float> v = r.getList(1);
      float[] e = model.get(r.getString(0));
      assertThat(v).containsExactly(e[0], e[1]);
    }
    assertThat(gotCount).isEqualTo(expectedCount);
    // the oracle is sharp: the whole space needs the deleted files
    assertThatThrownBy(() -> spark.sql("SELECT key FROM hub.rtf").collectAsList()).isNotNull();
  }
}
