package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.engine.EngineHub;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** One {@link EngineHub} (caches) per hub and JVM, whatever unrelated SQL settings change. */
class HubRefTest {
  private final SparkSession spark = SharedSpark.session();

  private HubRef ref(String root) {
    return new HubRef(root, spark.sessionState().newHadoopConf());
  }

  @Test
  void anUnrelatedSqlSettingReusesTheHubsContext() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace("ctx", 3);
    space.multiset(SparkDataFrameTest.randomRows(new Random(3), "k", 20, 3));
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    EngineHub before = ref(root).engine();
    assertThat(spark.read().format("embeddinghub").option("path", root).option("space", "ctx").load().count())
        .isEqualTo(20);
    int open = HubRef.openContexts();
    try {
      spark.conf().set("spark.sql.embeddinghub.test.unrelated", "1");
      spark.conf().set("spark.sql.shuffle.partitions", "3");
      assertThat(spark.sessionState().newHadoopConf().get("spark.sql.embeddinghub.test.unrelated"))
          .as("Spark copies SQL settings into the Hadoop configuration").isEqualTo("1");
      assertThat(ref(root).engine()).isSameAs(before);
      assertThat(spark.read().format("embeddinghub").option("path", root).option("space", "ctx").load().count())
          .isEqualTo(20);
      assertThat(hub.multiget("ctx", spark.range(3).selectExpr("concat('k', id) AS key")).count()).isEqualTo(3);
      assertThat(HubRef.openContexts()).as("hubs open after operations under new SQL settings").isEqualTo(open);
      assertThat(ref(root).engine()).isSameAs(before);

      // a setting of the file system or of EmbeddingHub is another hub
      spark.conf().set(HubProperties.CACHE_MAX_BYTES, "1000000");
      assertThat(ref(root).engine()).isNotSameAs(before);
    } finally {
      spark.conf().unset("spark.sql.embeddinghub.test.unrelated");
      spark.conf().set("spark.sql.shuffle.partitions", "4");
      spark.conf().unset(HubProperties.CACHE_MAX_BYTES);
    }
  }

  @Test
  void atMostTheConfiguredNumberOfHubsStayOpen() {
    Configuration conf = new Configuration(false);
    conf.setInt(HubProperties.CONTEXTS_MAX, 3);
    Map<Integer, EngineHub> opened = new java.util.HashMap<>();
    for (int i = 0; i < 6; i++) {
      opened.put(i, new HubRef(SharedSpark.newHubRoot(), conf).engine());
    }
    assertThat(HubRef.openContexts()).isLessThanOrEqualTo(3);
  }
}
