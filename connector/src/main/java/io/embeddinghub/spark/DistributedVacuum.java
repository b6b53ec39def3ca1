package io.embeddinghub.spark;

import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.engine.VacuumJob;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * A vacuum as a Spark job, through the store's {@link VacuumJob}: the driver checks the retention,
 * expires the old versions and lists the unreferenced files; tasks delete them, {@value
 * #FILES_PER_TASK} per task (deletes on an object store are one request each: this is where a
 * large space's vacuum spends its time). A dry run only lists.
 */
final class DistributedVacuum {
  static final int FILES_PER_TASK = 1000;

  private DistributedVacuum() {}

  static VacuumResult run(SparkSession spark, HubRef hub, String space, Duration retention, VacuumOptions options) {
    VacuumJob job = VacuumJob.plan(hub.engine(), space, retention, options);
    if (job.dryRun() || job.files() == 0) {
      return job.result(List.of());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<VacuumJob.Slice> slices = job.slices(FILES_PER_TASK);
    List<VacuumResult> deleted = jsc.parallelize(slices, slices.size()).map(new Delete(hub, job)).collect();
    return job.result(deleted);
  }

  /** Task: delete one slice of the files. */
  private record Delete(HubRef hub, VacuumJob job) implements Function<VacuumJob.Slice, VacuumResult>, Serializable {
    @Override
    public VacuumResult call(VacuumJob.Slice slice) {
      return job.delete(hub.engine(), slice);
    }
  }
}
