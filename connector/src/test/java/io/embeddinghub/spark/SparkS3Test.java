package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.testing.MiniS3;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The connector on {@code s3a://} (Hadoop S3A against the in-process S3 server): a DataFrame write
 * and its index build commit through conditional PUTs, Spark and the embedded API read the same
 * space, and time travel reads an older version.
 */
@Tag("slow")
class SparkS3Test {
  private final SparkSession spark = S3Spark.session();

  @Test
  void writesReadsAndTimeTravelsOnS3() {
    String root = MiniS3.bucketUri() + "/spark-" + UUID.randomUUID();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(9), "s", 12_000, 4);
    Map<String, Long> before = requestCounts(root);
    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub").option("path", root).option("space", "s")
        .option("buckets", "3").mode("append").save();
    Map<String, Long> after = requestCounts(root);
    StringBuilder requests = new StringBuilder();
    after.forEach((name, count) -> {
      long delta = count - before.getOrDefault(name, 0L);
      if (delta > 0) {
        requests.append(' ').append(name).append('=').append(delta);
      }
    });
    // local mode: the tasks share the driver's S3A instance, so these are the whole job's requests
    System.out.println("S3 REQUESTS of a DataFrame write of 12,000 rows, 3 buckets, indexed in its action:" + requests);
    Space space = EmbeddingHub.open(root, MiniS3.conf()).getSpace("s");
    assertThat(space.size()).isEqualTo(12_000);
    // the write's own action indexed the rows (above the auto-index tail threshold)
    assertThat(space.history()).extracting(v -> v.operation()).contains("buildIndex");
    space.delete("s1");
    space.set("extra", new float[] {1, 2, 3, 4});
    Map<String, float[]> expected = new HashMap<>(rows);
    expected.remove("s1");
    expected.put("extra", new float[] {1, 2, 3, 4});
    var df = spark.read().format("embeddinghub").option("path", root).option("space", "s").load();
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(df), expected);
    Row old = spark.read().format("embeddinghub").option("path", root).option("space", "s")
        .option("versionAsOf", 1).load().where("key = 's1'").first();
    assertThat(old.getString(0)).isEqualTo("s1");
    List<io.embeddinghub.Neighbor> nearest = space.nearestNeighbors(5, new float[] {1, 2, 3, 4});
    assertThat(nearest.get(0).key()).isEqualTo("extra");
  }

  private static Map<String, Long> requestCounts(String root) {
    try {
      Map<String, Long> counts = new java.util.TreeMap<>();
      org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(
          org.apache.hadoop.fs.FileSystem.get(java.net.URI.create(root), MiniS3.conf())).counters().forEach((name, value) -> {
            if (name.matches("object_list_request|action_http_head_request|action_http_get_request"
                + "|object_put_request|object_delete_request|object_bulk_delete_request|object_copy_requests")) {
              counts.put(name, value);
            }
          });
      return counts;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
