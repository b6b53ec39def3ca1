package io.embeddinghub.spark;

import io.embeddinghub.HubProperties;
import io.embeddinghub.engine.EngineHub;
import io.embeddinghub.engine.JobRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The store's jobs run as Spark jobs: each task of a {@link JobRunner#map} is a Spark task, a
 * {@link JobRunner#shuffle} is one Spark shuffle (a map task per input, a reduce task per
 * partition, plus one reduce partition that gathers the map tasks' side results). Executors
 * reach the hub through the shipped {@link HubRef}. In local mode, where the driver is the
 * executor, a single task runs on the driver without a Spark job, so a small job costs what the
 * local runner's does.
 */
final class SparkJobRunner implements JobRunner {
  /** Heap Spark reserves in every JVM (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  private static final long SPARK_RESERVED_BYTES = 300L << 20;

  private final java.util.function.Supplier<SparkSession> spark;
  private final HubRef hub;

  SparkJobRunner(SparkSession spark, HubRef hub) {
    this(() -> spark, hub);
  }

  private SparkJobRunner(java.util.function.Supplier<SparkSession> spark, HubRef hub) {
    this.spark = spark;
    this.hub = hub;
  }

  /** The runner over the session active on this thread when it first runs a task (a write's commit, say). */
  static SparkJobRunner active(HubRef hub) {
    return new SparkJobRunner(SparkSession::active, hub);
  }

  private JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(spark.get().sparkContext());
  }

  @Override
  public EngineHub hub() {
    return hub.engine();
  }

  /**
   * The heap one task may hold on an executor: the smaller of Spark's user memory (the heap less
   * Spark's reserve, times {@code 1 - spark.memory.fraction}) and what the store's own budget
   * leaves a JVM's tasks once the executor's caches are counted (as {@code MemoryBudget} does
   * for the embedded API: half of the heap the data file cache, the index cache and the write
   * buffer leave, at least an eighth of the heap), divided among the executor's task slots. The
   * caches are the executor's: their settings as shipped with the hub, or their defaults for the
   * executor's heap (a quarter of it each), since the executor's hub keeps them beside its tasks.
   * In local mode the driver is the executor and every local thread a slot.
   */
  @Override
  public long taskMemoryBytes() {
    JavaSparkContext jsc = jsc();
    SparkConf conf = jsc.getConf();
    boolean local = jsc.isLocal();
    long heap = local ? Runtime.getRuntime().maxMemory() : jsc.sc().executorMemory() * (1L << 20);
    int slots = local ? Math.max(1, jsc.defaultParallelism()) : Math.max(1, conf.getInt("spark.executor.cores", 1)
        / Math.max(1, conf.getInt("spark.task.cpus", 1)));
    return taskMemoryBytes(heap, slots, conf.getDouble("spark.memory.fraction", 0.6), hub::setting);
  }

  /**
   * {@link #taskMemoryBytes()} for an executor of {@code heap} bytes and {@code slots} task slots.
   *
   * @param setting the hub's configuration entry of a name, or null when unset
   */
  static long taskMemoryBytes(long heap, int slots, double memoryFraction,
      java.util.function.Function<String, String> setting) {
    long sparkUser = (long) ((heap - SPARK_RESERVED_BYTES) * (1 - memoryFraction));
    long caches = bytesSetting(setting, HubProperties.CACHE_MAX_BYTES, Math.min(heap / 4, 2L << 30))
        + bytesSetting(setting, HubProperties.INDEX_CACHE_MAX_BYTES, Math.min(heap / 4, 2L << 30))
        + bytesSetting(setting, HubProperties.WRITE_BUFFER_BYTES, Math.min(64L << 20, heap / 8));
    long store = Math.max(heap / 8, (heap - caches) / 2);
    return Math.max(16L << 20, Math.min(sparkUser, store) / Math.max(1, slots));
  }

  private static long bytesSetting(java.util.function.Function<String, String> setting, String name, long dflt) {
    String value = setting.apply(name);
    if (value == null || value.isBlank()) {
      return dflt;
    }
    try {
      return Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return dflt; // the hub's own resolution reports a bad value when it opens
    }
  }

  @Override
  public <I extends Serializable, O extends Serializable> List<O> map(List<I> inputs, Task<I, O> task) {
    if (inputs.isEmpty()) {
      return List.of();
    }
    JavaSparkContext jsc = jsc();
    if (inputs.size() == 1 && jsc.isLocal()) {
      return List.of(task.run(hub.engine(), inputs.get(0))); // the driver is the executor: skip the job
    }
    return jsc.parallelize(inputs, inputs.size()).map(new RunTask<>(hub, task)).collect();
  }

  /** A Spark task running one store task. */
  private record RunTask<I, O>(HubRef hub, Task<I, O> task) implements org.apache.spark.api.java.function.Function<I, O> {
    @Override
    public O call(I input) {
      return task.run(hub.engine(), input);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <I extends Serializable, R extends Serializable, S extends Serializable, O extends Serializable>
      Shuffled<S, O> shuffle(List<I> inputs, int partitions, Shuffle<I, R, S, O> shuffle) {
    List<Object> results = jsc().parallelize(inputs, Math.max(1, inputs.size()))
        .flatMapToPair(new MapSide<>(hub, shuffle))
        .partitionBy(new ByNumber(partitions + 1))
        .mapPartitionsWithIndex(new ReduceSide<>(hub, shuffle, partitions), false)
        .collect();
    List<S> sides = new ArrayList<>();
    List<O> reduced = new ArrayList<>();
    for (Object r : results) {
      if (r instanceof Side side) {
        sides.add((S) side.value());
      } else {
        reduced.add((O) r);
      }
    }
    return new Shuffled<>(sides, reduced);
  }

  /** A map task's side result on its way to the driver (keyed past the last partition). */
  private record Side(Serializable value) implements Serializable {}

  /** Map task: the input's records keyed by partition, one at a time, then its side result. */
  private record MapSide<I, R, S>(HubRef hub, Shuffle<I, R, S, ?> shuffle)
      implements PairFlatMapFunction<I, Integer, Object> {
    @Override
    public Iterator<Tuple2<Integer, Object>> call(I input) {
      Mapped<R, S> mapped = shuffle.map(hub.engine(), input);
      return new Iterator<>() {
        private boolean looked;
        private boolean record;
        private boolean sideSent;

        @Override
        public boolean hasNext() {
          if (!looked) {
            record = mapped.next();
            looked = true;
          }
          return record || !sideSent;
        }

        @Override
        public Tuple2<Integer, Object> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (record) {
            looked = false;
            return new Tuple2<>(mapped.partition(), mapped.record());
          }
          sideSent = true;
          return new Tuple2<>(Integer.MAX_VALUE, new Side((Serializable) mapped.side()));
        }
      };
    }
  }

  /** Reduce task: partition {@code p}'s records reduced; past the last partition, the side results. */
  private record ReduceSide<R, O>(HubRef hub, Shuffle<?, R, ?, O> shuffle, int partitions)
      implements Function2<Integer, Iterator<Tuple2<Integer, Object>>, Iterator<Object>> {
    @Override
    @SuppressWarnings("unchecked")
    public Iterator<Object> call(Integer p, Iterator<Tuple2<Integer, Object>> received) {
      if (p == partitions) {
        List<Object> sides = new ArrayList<>();
        received.forEachRemaining(t -> sides.add(t._2()));
        return sides.iterator();
      }
      Iterator<R> records = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return received.hasNext();
        }

        @Override
        public R next() {
          return (R) received.next()._2();
        }
      };
      return List.<Object>of(shuffle.reduce(hub.engine(), p, records)).iterator();
    }
  }

  /** Sends key {@code n} to partition {@code n}, and side results to the last. */
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
      int n = (Integer) key;
      return n == Integer.MAX_VALUE ? partitions - 1 : n;
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
