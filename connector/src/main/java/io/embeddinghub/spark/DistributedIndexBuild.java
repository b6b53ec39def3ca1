package io.embeddinghub.spark;

import io.embeddinghub.IndexResult;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.Retry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * An index build as a Spark job, through the store's {@link IndexBuildJob}: the driver plans it
 * (which tail files, how many partitions, the centroids, trained on a sample read file by file);
 * a split build is one shuffle, a map task per tail file routing its rows to their partitions and
 * a reduce task per partition building and writing it, holding one partition in memory; the
 * driver commits every partition as one version. A commit that changed the covered files meanwhile makes the job start
 * over (3 times).
 */
final class DistributedIndexBuild {
  private DistributedIndexBuild() {}

  static IndexResult run(SparkSession spark, HubRef hub, String space) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return Retry.onConflict(space, () -> {
      long started = System.nanoTime();
      IndexBuildJob job = IndexBuildJob.plan(hub.engine(), space);
      if (job.isEmpty()) {
        return new IndexResult(job.baseVersion(), 0, 0, 0);
      }
      List<IndexBuildJob.WrittenPartition> written = buildPartitions(jsc, hub, job);
      return job.commit(hub.engine(), written, started);
    });
  }

  /**
   * Runs an index build's tasks and returns the written partitions, uncommitted; nothing for an
   * empty job. A build that does not split is one task. A split build is one shuffle: a map task
   * per tail file routes each live row to its partition (and the file's probe share to one extra
   * reduce partition); a reduce task per index partition builds it from the rows it received. The
   * driver gets the written partitions and the probe shares, never rows.
   */
  static List<IndexBuildJob.WrittenPartition> buildPartitions(JavaSparkContext jsc, HubRef hub, IndexBuildJob job) {
    if (job.isEmpty()) {
      return List.of();
    }
    if (!job.routed()) {
      return jsc.parallelize(List.of(0), 1).map(new BuildWhole(hub, job)).collect();
    }
    int partitions = job.partitions();
    List<Object> results = jsc.parallelize(range(job.tailFiles()), job.tailFiles())
        .flatMapToPair(new Route(hub, job))
        .partitionBy(new ByNumber(partitions + 1))
        .mapPartitionsWithIndex(new BuildRouted(hub, job), false)
        .collect();
    List<IndexBuildJob.WrittenPartition> written = new ArrayList<>();
    List<IndexBuildJob.ProbeShare> shares = new ArrayList<>();
    for (Object r : results) {
      if (r instanceof IndexBuildJob.WrittenPartition w) {
        written.add(w);
      } else {
        shares.add((IndexBuildJob.ProbeShare) r);
      }
    }
    float[] routingRecall = job.routingRecall(shares);
    return written.stream().map(w -> w.withRoutingRecall(routingRecall)).toList();
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Task: the one partition of a build that does not split. */
  private record BuildWhole(HubRef hub, IndexBuildJob job)
      implements Function<Integer, IndexBuildJob.WrittenPartition>, Serializable {
    @Override
    public IndexBuildJob.WrittenPartition call(Integer partition) {
      return job.buildPartition(hub.engine(), partition);
    }
  }

  /** Map task: one tail file's live rows keyed by partition, and its probe share keyed past the last partition. */
  private record Route(HubRef hub, IndexBuildJob job) implements PairFlatMapFunction<Integer, Integer, Object> {
    @Override
    public Iterator<Tuple2<Integer, Object>> call(Integer file) {
      IndexBuildJob.RoutedFile routed = job.route(hub.engine(), file);
      return new Iterator<>() { // rows one at a time into the shuffle, then the probe share
        private boolean looked;
        private boolean row;
        private boolean shareSent;

        @Override
        public boolean hasNext() {
          if (!looked) {
            row = routed.next();
            looked = true;
          }
          return row || !shareSent;
        }

        @Override
        public Tuple2<Integer, Object> next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          if (row) {
            looked = false;
            return new Tuple2<>(routed.partition(), routed.row());
          }
          shareSent = true;
          return new Tuple2<>(job.partitions(), routed.share());
        }
      };
    }
  }

  /** Reduce task: index partition {@code p}'s rows built into it; or, past the last, the probe shares. */
  private record BuildRouted(HubRef hub, IndexBuildJob job)
      implements Function2<Integer, Iterator<Tuple2<Integer, Object>>, Iterator<Object>> {
    @Override
    public Iterator<Object> call(Integer p, Iterator<Tuple2<Integer, Object>> received) {
      if (p == job.partitions()) {
        List<Object> shares = new ArrayList<>();
        received.forEachRemaining(t -> shares.add(t._2()));
        return shares.iterator();
      }
      List<IndexBuildJob.RoutedRow> rows = new ArrayList<>();
      received.forEachRemaining(t -> rows.add((IndexBuildJob.RoutedRow) t._2()));
      Object written = job.buildPartition(hub.engine(), p, rows);
      return List.of(written).iterator();
    }
  }

  /** Sends key {@code n} to partition {@code n}. */
  private static final class ByNumber extends Partitioner {
    private final int partitions;

    ByNumber(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByNumber other && other.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }
}
