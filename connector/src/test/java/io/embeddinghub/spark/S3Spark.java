package io.embeddinghub.spark;

import io.embeddinghub.testing.MiniS3;
import org.apache.spark.sql.SparkSession;

/** The shared session, with its Hadoop configuration pointed at the in-process S3 server. */
final class S3Spark {
  private S3Spark() {}

  static synchronized SparkSession session() {
    SparkSession spark = SharedSpark.session();
    MiniS3.settings(MiniS3.port()).forEach(spark.sparkContext().hadoopConfiguration()::set);
    return spark;
  }
}
