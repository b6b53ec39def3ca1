package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.testing.MiniHdfs;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The connector on HDFS (a MiniDFSCluster): Spark and the embedded API on the same space. */
@Tag("slow")
class SparkHdfsTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void roundTripsOnHdfs() {
    String root = MiniHdfs.uri() + "/spark-hubs/" + UUID.randomUUID();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(8), "h", 150, 4);
    // the session's Hadoop configuration must reach the cluster: the URI carries the namenode
    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub").option("path", root).option("space", "s")
        .option("buckets", "3").option("index.m", "8").mode("append").save();
    Space space = EmbeddingHub.open(root, MiniHdfs.conf()).getSpace("s");
    assertThat(space.size()).isEqualTo(150);
    assertThat(space.spec().indexParams().m()).isEqualTo(8);
    space.delete("h1");
    space.set("extra", new float[] {1, 2, 3, 4});
    Map<String, float[]> expected = new HashMap<>(rows);
    expected.remove("h1");
    expected.put("extra", new float[] {1, 2, 3, 4});
    var df = spark.read().format("embeddinghub").option("path", root).option("space", "s").load();
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(df), expected);
    Row old = spark.read().format("embeddinghub").option("path", root).option("space", "s")
        .option("versionAsOf", 1).load().where("key = 'h1'").first();
    assertThat(old.getString(0)).isEqualTo("h1");
  }
}
