package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSnapshot;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Spark appends racing embedded writers and readers on one space (issue #11's soak, Spark side):
 * DataFrame appends from two driver threads and {@code multiset}s from two threads on separate
 * {@link EmbeddingHub} instances, for a bounded time, each operation writing keys of its own, a
 * marker key naming it, and some of four shared keys. A write is acknowledged when its call
 * returns; a conflict may only surface as {@link CommitConflictException}. Afterwards, from a fresh
 * hub: every acknowledged operation is present with exactly its values (a shared key holds the
 * value of the acknowledged write whose marker appeared last), nothing of a refused operation is
 * visible, no other key exists, and the history is contiguous with one version per acknowledged
 * write. Readers meanwhile only ever saw whole operations: when a marker is visible in a snapshot,
 * all of its operation's keys are, with its values.
 */
@Tag("slow")
class SparkConcurrentWritersTest {
  private static final int DIMS = 4;
  private static final int OWN_KEYS = 12;
  private static final List<String> SHARED = List.of("shared-0", "shared-1", "shared-2", "shared-3");
  private static final long SECONDS = Long.getLong("reliability.sparkSoak.seconds", 12);

  private final SparkSession spark = SharedSpark.session();

  /** One write: its keys and values, the marker first. */
  private record Op(String writer, int number, Map<String, float[]> rows) {
    String marker() {
      return "m-" + writer + "-" + number;
    }
  }

  private static Op op(String writer, int number) {
    Map<String, float[]> rows = new LinkedHashMap<>();
    float w = writer.hashCode() % 1000;
    rows.put("m-" + writer + "-" + number, new float[] {w, number, 0, 1});
    for (int j = 0; j < OWN_KEYS; j++) {
      rows.put(writer + "-" + number + "-" + j, new float[] {w, number, j, 2});
    }
    if (number % 2 == 0) {
      rows.put(SHARED.get((number / 2 + Math.abs(writer.hashCode())) % SHARED.size()), new float[] {w, number, -1, 3});
    }
    return new Op(writer, number, rows);
  }

  /** A new hub root; subclasses move it to another store. */
  String newHubRoot() {
    return SharedSpark.newHubRoot();
  }

  /** Settings the embedded writers and readers open the hub with (the store's own). */
  org.apache.hadoop.conf.Configuration storeConf() {
    return new org.apache.hadoop.conf.Configuration();
  }

  @Test
  void sparkAppendsEmbeddedWritersAndReadersOnOneSpace() throws Exception {
    String root = newHubRoot();
    EmbeddingHub.open(root, storeConf()).createSpace(SpaceSpec.builder("soak", DIMS).buckets(4).build());
    Map<String, Op> acknowledged = new ConcurrentHashMap<>();
    Map<String, Op> refused = new ConcurrentHashMap<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger snapshotsRead = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);

    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> writers = new ArrayList<>();
    for (String writer : List.of("spark-a", "spark-b")) {
      writers.add(pool.submit(() -> {
        for (int i = 0; System.nanoTime() < deadline; i++) {
          Op op = op(writer, i);
          try {
            SparkDataFrameTest.frame(spark, op.rows()).write().format("embeddinghub")
                .option("path", root).option("space", "soak").mode("append").save();
            acknowledged.put(op.marker(), op);
          } catch (Exception e) {
            if (!causedBy(e, CommitConflictException.class)) {
              problems.add(writer + " op " + i + " failed with " + e);
            }
            refused.put(op.marker(), op);
          }
        }
        return null;
      }));
    }
    for (String writer : List.of("hub-a", "hub-b")) {
      writers.add(pool.submit(() -> {
        Space space = EmbeddingHub.open(root, noBackgroundIndexing()).getSpace("soak");
        for (int i = 0; System.nanoTime() < deadline; i++) {
          Op op = op(writer, i);
          java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // Spark's jobs get a share
          try {
            space.multiset(op.rows());
            acknowledged.put(op.marker(), op);
          } catch (CommitConflictException e) {
            refused.put(op.marker(), op);
          } catch (RuntimeException e) {
            problems.add(writer + " op " + i + " failed with " + e);
            refused.put(op.marker(), op);
          }
        }
        return null;
      }));
    }
    Future<?> reader = pool.submit(() -> {
      Space space = EmbeddingHub.open(root, storeConf()).getSpace("soak");
      while (!stop.get()) {
        SpaceSnapshot snapshot = space.snapshot();
        for (Op op : new ArrayList<>(acknowledged.values())) {
          Optional<float[]> marker = snapshot.find(op.marker());
          if (marker.isPresent()) {
            List<String> own = op.rows().keySet().stream().filter(k -> !SHARED.contains(k)).toList();
            Map<String, float[]> found = snapshot.findAll(own);
            for (String key : own) {
              if (!java.util.Arrays.equals(found.get(key), op.rows().get(key))) {
                problems.add("version " + snapshot.version() + " shows " + op.marker() + " without " + key);
              }
            }
          }
        }
        for (Op op : new ArrayList<>(refused.values())) {
          if (snapshot.find(op.marker()).isPresent()) {
            problems.add("version " + snapshot.version() + " shows refused " + op.marker());
          }
        }
        snapshotsRead.incrementAndGet();
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // leave the cores to the writers
      }
      return null;
    });
    for (Future<?> w : writers) {
      w.get(SECONDS + 300, TimeUnit.SECONDS);
    }
    stop.set(true);
    reader.get(60, TimeUnit.SECONDS);
    pool.shutdown();

    assertThat(problems).isEmpty();
    Space fresh = EmbeddingHub.open(root, storeConf()).getSpace("soak");
    // one version per acknowledged write after the create, no gaps
    List<VersionInfo> history = fresh.history();
    assertThat(history).extracting(VersionInfo::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, fresh.version()).boxed().toList());
    assertThat(fresh.version()).isEqualTo(acknowledged.size());
    // each acknowledged operation's commit version: where its marker first appears
    Map<Long, Op> byVersion = new TreeMap<>();
    for (Op op : acknowledged.values()) {
      long lo = 1;
      long hi = fresh.version();
      while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (fresh.snapshot(mid).contains(op.marker())) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      assertThat(byVersion.put(lo, op)).as("two operations committed as version %d", lo).isNull();
    }
    Map<String, float[]> model = new TreeMap<>(); // replayed in commit order: a shared key's last write wins
    byVersion.values().forEach(op -> model.putAll(op.rows()));
    assertThat(fresh.size()).isEqualTo(model.size());
    List<String> keys = new ArrayList<>(model.keySet());
    List<float[]> stored = fresh.multiget(keys);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(stored.get(i)).as(keys.get(i)).containsExactly(model.get(keys.get(i)));
    }
    for (Op op : refused.values()) {
      assertThat(fresh.contains(op.marker())).as("refused %s", op.marker()).isFalse();
    }
    assertThat(fresh.nearestNeighbors(5, new float[] {0, 0, 0, 0}, SearchOptions.exactSearch())).hasSize(5);
    long sparkOps = acknowledged.keySet().stream().filter(m -> m.startsWith("m-spark")).count();
    assertThat(sparkOps).as("Spark appends acknowledged").isPositive();
    System.out.printf("SparkConcurrentWritersTest: %d acknowledged (%d Spark appends), %d refused as conflicts, %d snapshots read, %d versions%n",
        acknowledged.size(), sparkOps, refused.size(), snapshotsRead.get(), fresh.version());
  }

  /** Writers here commit exactly one version per acknowledged write: no background index builds. */
  private org.apache.hadoop.conf.Configuration noBackgroundIndexing() {
    org.apache.hadoop.conf.Configuration conf = storeConf();
    conf.setLong(io.embeddinghub.HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    return conf;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
