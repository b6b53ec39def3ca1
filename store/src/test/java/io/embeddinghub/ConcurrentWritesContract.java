package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.testing.TestHubs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Writers racing on one space, from threads sharing a {@link Space}, and from separate
 * {@link EmbeddingHub} instances (as separate processes would): every acknowledged write is
 * present afterwards, and the versions are contiguous with one version per write call.
 */
abstract class ConcurrentWritesContract {
  private final TestHubs hubs;
  private final int callsPerWriter;

  ConcurrentWritesContract(TestHubs hubs, int callsPerWriter) {
    this.hubs = hubs;
    this.callsPerWriter = callsPerWriter;
  }

  @Test
  void twoThreadsOnOneSpaceObjectLoseNothing() throws Exception {
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("s", 3).buckets(2).build());
    assertAllWritesLand(space, space);
  }

  @Test
  void twoHubInstancesOnOneSpaceLoseNothing() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    hub.createSpace(SpaceSpec.builder("s", 3).buckets(2).build());
    assertAllWritesLand(hub.getSpace("s"), hubs.reopen(hub).getSpace("s"));
  }

  private void assertAllWritesLand(Space first, Space second) throws Exception {
    Map<String, float[]> acknowledged = new ConcurrentHashMap<>();
    long rowsWritten = runTogether(
        writer(first, "a", acknowledged),
        writer(second, "b", acknowledged));
    Space check = hubs.reopen(first.hub()).getSpace("s");
    assertThat(check.size()).isEqualTo(acknowledged.size());
    acknowledged.forEach((k, v) -> assertThat(check.get(k)).as(k).containsExactly(v));
    List<VersionInfo> history = check.history();
    assertThat(history).extracting(VersionInfo::version)
        .containsExactlyElementsOf(LongStream.rangeClosed(0, 2L * callsPerWriter).boxed().collect(Collectors.toList()));
    assertThat(history.stream().mapToLong(VersionInfo::rowsAdded).sum()).isEqualTo(rowsWritten);
  }

  /** Each call writes 1-3 new keys of its own; returns the rows written. */
  private Callable<Long> writer(Space space, String prefix, Map<String, float[]> acknowledged) {
    return () -> {
      long rows = 0;
      for (int i = 0; i < callsPerWriter; i++) {
        Map<String, float[]> batch = new HashMap<>();
        for (int j = 0; j <= i % 3; j++) {
          batch.put(prefix + "-" + i + "-" + j, new float[] {i, j, prefix.charAt(0)});
        }
        if (batch.size() == 1) {
          Map.Entry<String, float[]> e = batch.entrySet().iterator().next();
          space.set(e.getKey(), e.getValue());
        } else {
          space.multiset(batch);
        }
        acknowledged.putAll(batch);
        rows += batch.size();
      }
      return rows;
    };
  }

  @Test
  void racingOverwritesAndDeletesOfTheSameKeysSerialize() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 2).buckets(2).build());
    List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5");
    Map<String, Set<Float>> written = new ConcurrentHashMap<>();
    Callable<Long> overwriterA = overwriter(space, keys, 1, written);
    Callable<Long> overwriterB = overwriter(hubs.reopen(hub).getSpace("s"), keys, 2, written);
    Space deleter = hubs.reopen(hub).getSpace("s");
    Callable<Long> deletes =
        () -> {
          for (int i = 0; i < callsPerWriter; i++) {
            deleter.multidelete(List.of(keys.get(i % keys.size()), keys.get((i + 3) % keys.size())));
          }
          return 0L;
        };
    runTogether(overwriterA, overwriterB, deletes);
    Space check = hubs.reopen(hub).getSpace("s");
    for (String key : keys) {
      check.find(key).ifPresent(v -> assertThat(written.get(key)).as(key).contains(v[0]));
    }
    // every version is the previous plus exactly one write call; none lost or duplicated
    List<VersionInfo> history = check.history();
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).version()).isEqualTo(i);
    }
    long entriesFromSets = history.stream().filter(v -> v.operation().equals("multiset")).count();
    assertThat(entriesFromSets).isEqualTo(2L * callsPerWriter);
    // the size the log records after the last version is the true size
    assertThat(history.get(history.size() - 1).size()).isEqualTo(keysOf(check).size()).isEqualTo(check.size());
  }

  private Callable<Long> overwriter(Space space, List<String> keys, int writer, Map<String, Set<Float>> written) {
    return () -> {
      for (int i = 0; i < callsPerWriter; i++) {
        float value = writer * 1000 + i;
        Map<String, float[]> batch = new HashMap<>();
        for (String key : keys) {
          batch.put(key, new float[] {value, writer});
          written.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
        }
        space.multiset(batch);
      }
      return 0L;
    };
  }

  @Test
  void optimizeRacingWithWritersLosesNoWrite() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 3).buckets(2).build());
    Map<String, float[]> acknowledged = new ConcurrentHashMap<>();
    Space optimizer = hubs.reopen(hub).getSpace("s");
    Callable<Long> optimizes =
        () -> {
          for (int i = 0; i < callsPerWriter / 3; i++) {
            try {
              optimizer.optimize();
            } catch (CommitConflictException e) {
              // allowed: a writer changed a bucket being compacted
            }
          }
          return 0L;
        };
    runTogether(writer(space, "w", acknowledged), optimizes);
    Space check = hubs.reopen(hub).getSpace("s");
    assertThat(check.size()).isEqualTo(acknowledged.size());
    acknowledged.forEach((k, v) -> assertThat(check.get(k)).as(k).containsExactly(v));
  }

  /** Runs the tasks at once (released by a barrier); returns the sum of their results. */
  @SafeVarargs
  private static long runTogether(Callable<Long>... tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.length);
    CyclicBarrier start = new CyclicBarrier(tasks.length);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (Callable<Long> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      long total = 0;
      for (Future<Long> f : futures) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  static Set<String> keysOf(Space space) {
    Set<String> keys = new HashSet<>();
    space.entries().forEachRemaining(e -> keys.add(e.getKey()));
    return keys;
  }
}
