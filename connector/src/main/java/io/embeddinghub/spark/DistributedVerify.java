package io.embeddinghub.spark;

import io.embeddinghub.VerifyResult;
import io.embeddinghub.engine.VerifyJob;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * A verify as a Spark job, through the store's {@link VerifyJob}: the driver reads and checks the
 * log and lists the data and index files; tasks check them, {@value #FILES_PER_TASK} per task, one
 * file at a time (a task holds one row group or one index partition, never a space). Changes nothing.
 */
final class DistributedVerify {
  static final int FILES_PER_TASK = 4;

  private DistributedVerify() {}

  static VerifyResult run(SparkSession spark, HubRef hub, VerifyJob job) {
    if (job.files() == 0) {
      return job.result(List.of());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<VerifyJob.Slice> slices = job.slices(FILES_PER_TASK);
    List<VerifyResult> checked = jsc.parallelize(slices, slices.size()).map(new Check(hub, job)).collect();
    return job.result(checked);
  }

  /** Task: check one slice of the files. */
  private record Check(HubRef hub, VerifyJob job) implements Function<VerifyJob.Slice, VerifyResult>, Serializable {
    @Override
    public VerifyResult call(VerifyJob.Slice slice) {
      return job.check(hub.engine(), slice);
    }
  }
}
