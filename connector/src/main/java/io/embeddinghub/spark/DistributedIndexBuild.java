package io.embeddinghub.spark;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.IndexResult;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.IndexBuilder;
import io.embeddinghub.table.SpaceEngine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * An index build as a Spark job: the driver plans it (which tail files, how many partitions, the
 * centroids, trained on a sample read file by file); for a split build one task per tail file
 * assigns its rows to partitions; then one task per partition builds and writes it, holding one
 * partition in memory; the driver commits every partition as one version. A commit that changed
 * the covered files meanwhile makes the job start over (3 times).
 */
final class DistributedIndexBuild {
  private static final int ATTEMPTS = 3;

  private DistributedIndexBuild() {}

  static IndexResult run(SparkSession spark, HubRef hub, String space) {
    SpaceEngine engine = SpaceEngine.open(hub.context(), space);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int attempt = 1; ; attempt++) {
      SpaceState base = engine.latest();
      long started = System.nanoTime();
      IndexBuilder.Plan plan = new IndexBuilder(hub.context(), space).plan(base);
      if (plan.isEmpty()) {
        return new IndexResult(base.version(), 0, 0, 0);
      }
      Map<String, int[]> assignment = new HashMap<>();
      float[] routingRecall = null;
      if (plan.routed()) {
        int files = plan.tail().size();
        List<IndexBuilder.Assignment> assigned = new ArrayList<>();
        for (Tuple2<String, IndexBuilder.Assignment> a : jsc.parallelize(range(files), files).map(new Assign(hub, space, plan)).collect()) {
          assignment.put(a._1(), a._2().partitionOfRow());
          assigned.add(a._2());
        }
        routingRecall = IndexBuilder.routingRecall(plan, assigned);
      }
      Broadcast<Map<String, int[]>> shared = jsc.broadcast(assignment);
      List<IndexPartition> written = new ArrayList<>();
      try {
        jsc.parallelize(range(plan.partitions()), plan.partitions())
            .map(new BuildPartition(hub, space, plan, shared, routingRecall))
            .collect()
            .stream()
            .filter(Objects::nonNull)
            .forEach(written::add);
      } finally {
        shared.destroy();
      }
      IndexBuilder.Build build = new IndexBuilder.Build(plan.id(), written, plan.coveredFiles(), plan.rows());
      try {
        SpaceState after = engine.commitIndexBuild(build);
        return new IndexResult(after.version(), written.size(), plan.rows(), System.nanoTime() - started);
      } catch (CommitConflictException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Task: one tail file's rows to partitions, and its share of the routing probe's neighbours. */
  private record Assign(HubRef hub, String space, IndexBuilder.Plan plan)
      implements Function<Integer, Tuple2<String, IndexBuilder.Assignment>>, Serializable {
    @Override
    public Tuple2<String, IndexBuilder.Assignment> call(Integer file) {
      LiveFile f = plan.tail().get(file);
      return new Tuple2<>(f.file().path(), new IndexBuilder(hub.context(), space).assign(plan, f));
    }
  }

  /** Task: build and write one partition; null when no row went to it. */
  private record BuildPartition(HubRef hub, String space, IndexBuilder.Plan plan,
      Broadcast<Map<String, int[]>> assignment, float[] routingRecall)
      implements Function<Integer, IndexPartition>, Serializable {
    @Override
    public IndexPartition call(Integer partition) {
      return new IndexBuilder(hub.context(), space).buildPartition(plan, partition, assignment.value(), routingRecall);
    }
  }
}
