package io.embeddinghub.spark;

import io.embeddinghub.testing.MiniS3;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;

/** Spark appends racing embedded writers and a reader on one space on {@code s3a://}: nothing acknowledged lost. */
@Tag("slow")
class SparkConcurrentWritersS3Test extends SparkConcurrentWritersTest {
  SparkConcurrentWritersS3Test() {
    S3Spark.session();
  }

  @Override
  String newHubRoot() {
    return MiniS3.bucketUri() + "/spark-soak-" + UUID.randomUUID();
  }

  @Override
  Configuration storeConf() {
    return MiniS3.conf();
  }
}
