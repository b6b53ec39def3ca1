package io.embeddinghub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSnapshot;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.ChildJvm;
import io.embeddinghub.testing.SoakOps;
import io.embeddinghub.testing.SoakWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency soak (issue #11): writer threads on separate {@link EmbeddingHub} instances in this
 * JVM and writer child JVMs ({@link SoakWriter}), with few commit attempts so that conflicts
 * surface, plus reader threads, all on one space, for a bounded time. Conflicts must surface as
 * {@link io.embeddinghub.CommitConflictException} and nothing else. Afterwards, against the model
 * rebuilt from the writers' reports: every acknowledged write is present with exactly its value (a
 * shared key holds the value of the acknowledged write that committed last, ordered by the versions
 * at which operations' marker keys appear), acknowledged deletes are absent, nothing refused or
 * unknown is visible, the history is contiguous with one version per acknowledged change; and
 * every reader saw only acknowledged operations, whole (each value's operation marker in the same
 * snapshot), and snapshots sampled during the run read the same afterwards from a fresh hub.
 *
 * <p>{@code -Dreliability.soak.seconds=S} (default 45), {@code -Dreliability.soak.maxOps=N} per
 * writer (default 100000), {@code -Dreliability.soak.attempts=A} commit attempts (default 3),
 * {@code -Dreliability.seed}. Long run:
 * {@code mvn -o -pl store test -Dtest=ConcurrencySoakTest -Dreliability.soak.seconds=600}.
 */
@Tag("slow")
class ConcurrencySoakTest {
  /** Where the hub lives; subclasses move it to another store. */
  String hubUri(Path dir) {
    return dir.resolve("hub").toUri().toString();
  }

  /** Settings every participant (threads, readers, child JVMs) opens the hub with. */
  Map<String, String> storeSettings() {
    return Map.of();
  }

  /** Every thread's stack, for a writer that does not finish. */
  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
      for (StackTraceElement frame : stack) {
        dump.append("    at ").append(frame).append('\n');
      }
    });
    return dump.toString();
  }

  private org.apache.hadoop.conf.Configuration conf() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    storeSettings().forEach(conf::set);
    return conf;
  }

  private static final int THREAD_WRITERS = 3;
  private static final int CHILD_WRITERS = 2;
  private static final int READERS = 2;
  private static final int READ_PAUSE_MS = 20;

  private final long seconds = Long.getLong("reliability.soak.seconds", 45);
  private final int maxOps = Integer.getInteger("reliability.soak.maxOps", 100_000);
  private final int attempts = Integer.getInteger("reliability.soak.attempts", 3);
  private final long seed = Long.getLong("reliability.seed", 20261204L);

  /** Operations some reader saw (by a value or a marker). */
  private final Set<Long> seenOps = ConcurrentHashMap.newKeySet();
  /** Snapshots read during the run, by version, as read. */
  private final Map<Long, Map<String, float[]>> sampled = new ConcurrentHashMap<>();
  private final AtomicLong scans = new AtomicLong();
  private final AtomicLong pointReads = new AtomicLong();
  private final AtomicLong oldSnapshots = new AtomicLong();
  private final AtomicLong knnQueries = new AtomicLong();

  @Test
  void writersAndReadersOnOneSpaceLoseNothingAndSeeOnlyCommittedVersions(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    String hubUri = hubUri(dir);
    EmbeddingHub.open(hubUri, conf()).createSpace(SpaceSpec.builder(SoakOps.SPACE, SoakOps.DIMS).buckets(4).build());
    int writers = THREAD_WRITERS + CHILD_WRITERS;

    List<Process> children = new ArrayList<>();
    for (int c = 0; c < CHILD_WRITERS; c++) {
      int w = THREAD_WRITERS + c;
      children.add(ChildJvm.start("-Xmx256m", SoakWriter.class, dir.resolve("writer-" + w + ".log"),
          hubUri, Integer.toString(w), Long.toString(seed), Long.toString(seconds), Integer.toString(maxOps),
          Integer.toString(attempts), dir.resolve("results-" + w + ".txt").toString(),
          SoakWriter.encodeSettings(storeSettings())));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREAD_WRITERS + READERS);
    List<Future<List<String>>> threadWriters = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int w = 0; w < THREAD_WRITERS; w++) {
      int writer = w;
      threadWriters.add(pool.submit(() -> {
        List<String> lines = new ArrayList<>();
        Space space = EmbeddingHub.open(hubUri, SoakWriter.conf(attempts, storeSettings())).getSpace(SoakOps.SPACE);
        SoakWriter.run(space, writer, seed, deadline, maxOps, lines::add);
        return lines;
      }));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      int reader = r;
      readers.add(pool.submit(() -> read(hubUri, reader, writing)));
    }

    Map<Integer, List<String>> results = new TreeMap<>();
    for (int w = 0; w < THREAD_WRITERS; w++) {
      try {
        results.put(w, threadWriters.get(w).get(seconds + 300, TimeUnit.SECONDS));
      } catch (java.util.concurrent.TimeoutException stuck) {
        fail("writer thread %d did not finish 300 s after its deadline; threads:%n%s", w, threadDump());
      }
    }
    for (int c = 0; c < CHILD_WRITERS; c++) {
      int w = THREAD_WRITERS + c;
      Process p = children.get(c);
      Path log = dir.resolve("writer-" + w + ".log");
      if (!p.waitFor(seconds + 300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("writer JVM %d did not finish; output:%n%s", w, ChildJvm.tail(log, 8000));
      }
      assertThat(p.exitValue()).as("writer JVM %d exit code; output:%n%s", w, ChildJvm.tail(log, 8000)).isZero();
      List<String> lines = Files.readAllLines(dir.resolve("results-" + w + ".txt"), StandardCharsets.UTF_8);
      assertThat(lines).as("writer JVM %d results", w).isNotEmpty().endsWith("DONE");
      results.put(w, lines.subList(0, lines.size() - 1));
    }
    writing.set(false);
    for (Future<?> r : readers) {
      r.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    double runSeconds = (System.nanoTime() - started) / 1e9;

    // ---- the model, from the writers' reports ----
    Map<String, float[]> own = new HashMap<>();
    Set<String> markers = new HashSet<>();
    Map<String, List<Long>> sharedWriters = new TreeMap<>();
    Set<Long> acked = new HashSet<>();
    Set<Long> refused = new HashSet<>();
    long acknowledgedChanges = 0;
    long ops = 0;
    long conflicts = 0;
    for (Map.Entry<Integer, List<String>> e : results.entrySet()) {
      int w = e.getKey();
      int expectedNumber = 0;
      for (String line : e.getValue()) {
        String[] f = line.split(" ");
        int n = Integer.parseInt(f[1]);
        assertThat(n).as("writer %d reports in order", w).isEqualTo(expectedNumber++);
        SoakOps.Op op = SoakOps.op(seed, w, n);
        ops++;
        if (f[0].equals("C")) {
          conflicts++;
          refused.add(SoakOps.id(w, n));
          continue;
        }
        acked.add(SoakOps.id(w, n));
        switch (op.type()) {
          case WRITE -> {
            acknowledgedChanges++;
            op.writes().forEach((k, v) -> {
              if (SoakOps.isMarker(k)) {
                markers.add(k);
              } else if (SoakOps.isShared(k)) {
                sharedWriters.computeIfAbsent(k, x -> new ArrayList<>()).add(SoakOps.id(w, n));
              } else {
                own.put(k, v);
              }
            });
          }
          case DELETE -> {
            long present = op.deletes().stream().filter(own::containsKey).count();
            assertThat(Long.parseLong(f[2])).as("rows %s deleted", SoakOps.name(SoakOps.id(w, n))).isEqualTo(present);
            acknowledgedChanges += present > 0 ? 1 : 0;
            op.deletes().forEach(own::remove);
          }
          default -> { }
        }
      }
    }

    // ---- the space, read by a fresh hub ----
    Space space = EmbeddingHub.open(hubUri, conf()).getSpace(SoakOps.SPACE);
    SpaceSnapshot last = space.snapshot();
    Map<String, float[]> actual = contents(last);
    Set<String> expectedKeys = new HashSet<>(own.keySet());
    expectedKeys.addAll(markers);
    expectedKeys.addAll(sharedWriters.keySet());
    Set<String> missing = new HashSet<>(expectedKeys);
    missing.removeAll(actual.keySet());
    Set<String> unexpected = new HashSet<>(actual.keySet());
    unexpected.removeAll(expectedKeys);
    assertThat(missing).as("acknowledged keys missing").isEmpty();
    assertThat(unexpected).as("keys no acknowledged operation wrote (or acknowledged deletes)").isEmpty();
    own.forEach((k, v) -> assertThat(actual.get(k)).as("own key %s", k).containsExactly(v));
    for (String m : markers) {
      assertThat(actual.get(m)).as("marker %s", m).containsExactly(
          SoakOps.value((int) actual.get(m)[0], (int) actual.get(m)[1], -1));
    }
    // a shared key holds the value of the acknowledged write committed last
    for (Map.Entry<String, List<Long>> e : sharedWriters.entrySet()) {
      float[] value = actual.get(e.getKey());
      long winner = SoakOps.opOf(value);
      assertThat(e.getValue()).as("%s holds %s", e.getKey(), SoakOps.name(winner)).contains(winner);
      assertThat(value).containsExactly(SoakOps.op(seed, (int) (winner >>> 32), (int) winner).writes().get(e.getKey()));
      long version = commitVersion(space, winner, last.version());
      SpaceSnapshot at = space.snapshot(version);
      List<String> others = e.getValue().stream()
          .map(id -> SoakOps.marker((int) (id >>> 32), (int) (long) id)).toList();
      assertThat(at.findAll(others).keySet())
          .as("%s: every acknowledged write of it committed by version %d, where %s landed", e.getKey(), version,
              SoakOps.name(winner))
          .containsExactlyInAnyOrderElementsOf(others);
    }

    // history: contiguous, one version per acknowledged change, plus maintenance
    List<VersionInfo> history = space.history();
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).version()).as("history position %d", i).isEqualTo(i);
    }
    long maintenance = history.stream().filter(v -> v.operation().equals("optimize") || v.operation().equals("buildIndex")).count();
    assertThat(history.size() - 1 - maintenance).as("versions made by acknowledged writes and deletes").isEqualTo(acknowledgedChanges);
    assertThat(history.get(history.size() - 1).size()).as("size the log records").isEqualTo(actual.size());

    // readers: only acknowledged operations seen; sampled snapshots read the same now
    Set<Long> seenRefused = new HashSet<>(seenOps);
    seenRefused.retainAll(refused);
    assertThat(seenRefused).as("operations refused with a conflict yet seen by readers").isEmpty();
    Set<Long> seenUnknown = new HashSet<>(seenOps);
    seenUnknown.removeAll(acked);
    assertThat(seenUnknown).as("operations seen by readers but never acknowledged").isEmpty();
    for (Map.Entry<Long, Map<String, float[]>> e : sampled.entrySet()) {
      Map<String, float[]> now = contents(space.snapshot(e.getKey()));
      assertThat(now.keySet()).as("version %d read again", e.getKey()).isEqualTo(e.getValue().keySet());
      e.getValue().forEach((k, v) -> assertThat(now.get(k)).as("version %d key %s", e.getKey(), k).containsExactly(v));
    }

    System.out.printf(
        "SOAK seconds=%d run_seconds=%.1f writers=%d(threads=%d,jvms=%d) readers=%d commit_attempts=%d ops=%d"
            + " acknowledged=%d conflicts=%d lost=0 versions=%d maintenance_versions=%d live_keys=%d"
            + " reader_scans=%d point_reads=%d old_snapshots=%d knn=%d sampled_versions=%d seen_ops=%d seed=%d%n",
        seconds, runSeconds, writers, THREAD_WRITERS, CHILD_WRITERS, READERS, attempts, ops, acked.size(), conflicts,
        history.size(), maintenance, actual.size(), scans.get(), pointReads.get(), oldSnapshots.get(),
        knnQueries.get(), sampled.size(), seenOps.size(), seed);
    assertThat(acked).isNotEmpty();
  }

  /** The first version holding the marker of {@code op} (binary search over snapshots). */
  private static long commitVersion(Space space, long op, long latest) {
    String marker = SoakOps.marker((int) (op >>> 32), (int) op);
    long lo = 1;
    long hi = latest;
    assertThat(space.snapshot(hi).contains(marker)).as("marker %s in the latest version", marker).isTrue();
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (space.snapshot(mid).contains(marker)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static Map<String, float[]> contents(SpaceSnapshot snap) {
    Map<String, float[]> rows = new HashMap<>();
    for (Iterator<Map.Entry<String, float[]>> it = snap.entries(); it.hasNext(); ) {
      Map.Entry<String, float[]> e = it.next();
      assertThat(rows.put(e.getKey(), e.getValue())).as("key %s twice in version %d", e.getKey(), snap.version()).isNull();
    }
    return rows;
  }

  /** A reader: scans, point reads, old snapshots and kNN until the writers are done; checks each read is whole. */
  private Void read(String hubUri, int reader, AtomicBoolean writing) {
    Space space = EmbeddingHub.open(hubUri, conf()).getSpace(SoakOps.SPACE);
    Random r = new Random(seed + 17 * reader);
    long lastSeen = -1;
    List<String> shared = new ArrayList<>();
    for (int s = 0; s < SoakOps.SHARED_KEYS; s++) {
      shared.add(SoakOps.sharedKey(s));
    }
    while (writing.get()) {
      try {
        Thread.sleep(READ_PAUSE_MS); // leave the two CI cores to the writers
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      int mode = r.nextInt(10);
      if (mode < 4) {
        SpaceSnapshot snap = space.snapshot();
        assertThat(snap.version()).as("reader %d: latest version never goes back", reader).isGreaterThanOrEqualTo(lastSeen);
        lastSeen = snap.version();
        Map<String, float[]> rows = checkWhole(snap);
        scans.incrementAndGet();
        if (sampled.size() < 40 && r.nextInt(4) == 0) {
          sampled.putIfAbsent(snap.version(), rows);
        }
        if (!rows.isEmpty()) {
          float[] query = {r.nextFloat() * 5, r.nextFloat() * 2000, r.nextFloat() * 40, r.nextFloat()};
          List<Neighbor> nn = snap.nearestNeighbors(5, query);
          assertThat(nn).hasSize(Math.min(5, rows.size()));
          for (Neighbor n : nn) {
            assertThat(rows).as("reader %d: kNN answered %s at version %d", reader, n.key(), snap.version()).containsKey(n.key());
            assertThat((double) n.distance()).isCloseTo(BruteForceKnn.distance(Metric.L2, query, rows.get(n.key())), org.assertj.core.data.Offset.offset(1e-2));
          }
          List<String> exact = BruteForceKnn.nearestKeys(Metric.L2, rows, query, 5, null);
          assertThat(keys(snap.nearestNeighbors(5, query, io.embeddinghub.SearchOptions.exactSearch())))
              .as("reader %d: exact kNN at version %d", reader, snap.version()).containsExactlyElementsOf(exact);
          knnQueries.incrementAndGet();
        }
      } else if (mode < 8) {
        Map<String, float[]> found = space.findAll(shared);
        found.values().forEach(v -> seenOps.add(SoakOps.opOf(v)));
        pointReads.incrementAndGet();
      } else {
        long latest = space.version();
        long oldest = space.history().get(0).version();
        long v = oldest + (long) (r.nextDouble() * (latest - oldest + 1));
        SpaceSnapshot snap = space.snapshot(Math.min(v, latest));
        Map<String, float[]> rows = checkWhole(snap);
        if (sampled.size() < 40 && r.nextInt(4) == 0) {
          sampled.putIfAbsent(snap.version(), rows);
        }
        oldSnapshots.incrementAndGet();
      }
    }
    return null;
  }

  /** Reads a snapshot whole; every value's operation must have its marker in the same snapshot. */
  private Map<String, float[]> checkWhole(SpaceSnapshot snap) {
    Map<String, float[]> rows = contents(snap);
    Set<String> missingMarkers = new HashSet<>();
    rows.forEach((k, v) -> {
      long op = SoakOps.opOf(v);
      seenOps.add(op);
      String marker = SoakOps.marker((int) (op >>> 32), (int) op);
      if (!rows.containsKey(marker)) {
        missingMarkers.add(k + " by " + SoakOps.name(op));
      }
    });
    assertThat(missingMarkers).as("values at version %d whose operation's marker is not there (a partial commit)", snap.version()).isEmpty();
    return rows;
  }

  private static List<String> keys(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).toList();
  }
}
