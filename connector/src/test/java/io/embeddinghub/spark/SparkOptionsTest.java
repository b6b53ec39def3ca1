package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.IndexParams;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * A bad option value, on any surface (TBLPROPERTIES, read and write options, VERSION AS OF), is an
 * {@link InvalidInputException} naming the option and the value, never a bare
 * {@link NumberFormatException}, and changes nothing.
 */
class SparkOptionsTest {
  private final SparkSession spark = SharedSpark.session();

  /** Asserts the call fails with an InvalidInputException (maybe wrapped by Spark) naming the option and value. */
  private static void rejects(ThrowingCallable call, String option, String value) {
    assertThatThrownBy(call)
        .satisfies(
            thrown -> {
              InvalidInputException invalid = null;
              for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(t).as("cause of %s", thrown).isNotInstanceOf(NumberFormatException.class);
                if (t instanceof InvalidInputException i) {
                  invalid = i;
                }
              }
              assertThat(invalid).as("an InvalidInputException in %s", thrown).isNotNull();
              assertThat(invalid.getMessage()).contains(option).contains("'" + value + "'");
            });
  }

  @Test
  void badTablePropertiesAreNamed() {
    Map<String, String> bad = Map.of("dimensions", "abc", "buckets", "x", "index.m", "many", "metric", "bogus");
    bad.forEach(
        (property, value) -> {
          String dims = property.equals("dimensions") ? "" : "'dimensions'='3', ";
          rejects(() -> spark.sql("CREATE TABLE hub.badprops (key STRING, embedding ARRAY<FLOAT>) USING embeddinghub TBLPROPERTIES ("
                  + dims + "'" + property + "'='" + value + "')"), property, value);
          assertThat(spark.catalog().tableExists("hub.badprops")).isFalse();
        });
    // the documented creation options all reach the space
    spark.sql("CREATE TABLE hub.goodprops (key STRING, embedding ARRAY<FLOAT>) TBLPROPERTIES ("
        + "'dimensions'=' 3 ', 'metric'='cosine', 'buckets'='4', 'index.m'='8', 'index.efConstruction'='100', 'index.ef'='32')");
    Space space = EmbeddingHub.open(SharedSpark.catalogRoot()).getSpace("goodprops");
    assertThat(space.spec()).isEqualTo(SpaceSpec.builder("goodprops", 3).metric(Metric.COSINE)
        .buckets(4).indexParams(new IndexParams(8, 100, 32)).build());
    spark.sql("DROP TABLE hub.goodprops");
  }

  private DataFrameReader read(String root) {
    return spark.read().format("embeddinghub").option("path", root).option("space", "r");
  }

  @Test
  void badReadOptionsAreNamed() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace("r", 2);
    space.set("a", new float[] {1, 2});
    rejects(() -> read(root).option("versionAsOf", "abc").load().collectAsList(), "versionAsOf", "abc");
    rejects(() -> read(root).option("timestampAsOf", "yesterday").load().collectAsList(), "timestampAsOf", "yesterday");
    rejects(() -> spark.sql("SELECT * FROM hub.`" + root + "`.r VERSION AS OF 'abc'").collectAsList(), "versionAsOf", "abc");
    List<Row> rows = read(root).option("versionAsOf", " 1 ").load().collectAsList();
    assertThat(rows).hasSize(1);
  }

  @Test
  void badWriteOptionsAreNamedAndWriteNothing() {
    String root = SharedSpark.newHubRoot();
    Map<String, String> bad =
        Map.of("dimensions", "abc", "buckets", "x", "index.m", "many", "index.efConstruction", "1e3", "index.ef", "",
            "metric", "bogus", "dedupe", "maybe");
    bad.forEach(
        (option, value) -> {
          DataFrameWriter<Row> writer = SparkDataFrameTest.frame(spark, SparkDataFrameTest.randomRows(new Random(1), "k", 5, 2))
              .write().format("embeddinghub").option("path", root).option("space", "w").option(option, value).mode("append");
          rejects(writer::save, option, value);
          assertThat(EmbeddingHub.open(root).exists("w")).as(option).isFalse();
        });
  }

  @Test
  void badSearchOptionsOfANearestNeighborJoinAreNamed() {
    rejects(() -> SparkOptions.searchOptions(new CaseInsensitiveStringMap(Map.of("ef", "lots"))),
        "ef", "lots");
    rejects(() -> SparkOptions.searchOptions(
        new CaseInsensitiveStringMap(Map.of("queryPartitions", "9999999999"))),
        "queryPartitions", "9999999999");
  }
}
