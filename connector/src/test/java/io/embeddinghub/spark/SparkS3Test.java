package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.UnsafeStoreException;
import io.embeddinghub.testing.MiniS3;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The connector on {@code s3a://} (Hadoop S3A against the in-process S3 server), on every Spark
 * line: a DataFrame write and its index build commit, Spark and the embedded API read the same
 * space, and time travel reads an older version. Where the line's Hadoop has S3A's conditional
 * create (3.4.2+: Spark 4.1, 4.2) commits are conditional PUTs and need no setting; where it has
 * not (Spark 4.0's 3.4.1, 3.5's 3.3.4) a writer is refused, naming the setting, and the same
 * round trip runs with the hub declared single-writer.
 */
@Tag("slow")
class SparkS3Test {
  private final SparkSession spark = S3Spark.session();

  /**
   * The oracle of what the store must find: whether this JVM's Hadoop is 3.4.2 or later, the first
   * S3A with {@code fs.option.create.conditional.overwrite} (HADOOP-19256), read from Hadoop's
   * version alone.
   */
  static boolean s3aHasConditionalCreate() {
    String[] parts = org.apache.hadoop.util.VersionInfo.getVersion().split("[.-]");
    int[] v = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    return v[0] > 3 || (v[0] == 3 && (v[1] > 4 || (v[1] == 4 && v[2] >= 2)));
  }

  @Test
  void aWriterIsRefusedExactlyWhereS3AHasNoConditionalCreate() {
    String root = MiniS3.bucketUri() + "/refused-" + UUID.randomUUID();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(3), "r", 20, 4);
    Runnable write = () -> SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub").option("path", root)
        .option("space", "s").mode("append").save();
    if (s3aHasConditionalCreate()) {
      write.run();
      assertThat(EmbeddingHub.open(root, MiniS3.conf()).getSpace("s").size()).isEqualTo(20);
      return;
    }
    assertThatThrownBy(write::run)
        .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof UnsafeStoreException))
        .hasStackTraceContaining(HubProperties.COMMIT_SINGLE_WRITER + "=true")
        .hasStackTraceContaining("3.4.2")
        .hasStackTraceContaining(root);
    // nothing was committed, and reading needs no setting
    assertThat(EmbeddingHub.open(root, MiniS3.conf()).listSpaces()).isEmpty();
  }

  @Test
  void writesReadsAndTimeTravelsOnS3() {
    if (s3aHasConditionalCreate()) {
      roundTrip(MiniS3.conf());
      return;
    }
    spark.conf().set(HubProperties.COMMIT_SINGLE_WRITER, "true");
    try {
      Configuration conf = MiniS3.conf();
      conf.setBoolean(HubProperties.COMMIT_SINGLE_WRITER, true);
      roundTrip(conf);
    } finally {
      spark.conf().unset(HubProperties.COMMIT_SINGLE_WRITER);
    }
  }

  /** The round trip, the embedded API opening the hub with {@code embedded}. */
  private void roundTrip(Configuration embedded) {
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
    Space space = EmbeddingHub.open(root, embedded).getSpace("s");
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

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> out = new java.util.ArrayList<>();
    for (Throwable c = e; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
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
