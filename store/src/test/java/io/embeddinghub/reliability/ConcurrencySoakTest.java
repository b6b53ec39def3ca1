package io.embeddinghub.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.testing.SoakChecker;
import io.embeddinghub.testing.SoakOps;
import io.embeddinghub.testing.SoakWatch;
import io.embeddinghub.testing.SoakWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * snapshot), and snapshots sampled during the run read the same afterwards from a fresh hub
 * ({@link SoakChecker}). A writer whose operation runs past its bound fails the soak with every
 * thread's stack, this JVM's and the writer JVMs' ({@link SoakWatch}).
 *
 * <p>{@code -Dreliability.soak.seconds=S} (default 45), {@code -Dreliability.soak.maxOps=N} per
 * writer (default 100000), {@code -Dreliability.soak.attempts=A} commit attempts (default 3),
 * {@code -Dreliability.soak.threads=T} writer threads (default 3), {@code -Dreliability.soak.jvms=J}
 * writer JVMs (default 2), {@code -Dreliability.soak.readPauseMs=P} between a reader's reads
 * (default 20), {@code -Dreliability.soak.opBoundSeconds=B} (default 180), {@code -Dreliability.seed}. Long run:
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

  private org.apache.hadoop.conf.Configuration conf() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    storeSettings().forEach(conf::set);
    return conf;
  }

  private static final int THREAD_WRITERS = Integer.getInteger("reliability.soak.threads", 3);
  private static final int CHILD_WRITERS = Integer.getInteger("reliability.soak.jvms", 2);
  private static final int READERS = 2;
  private static final long READ_PAUSE_MS = Long.getLong("reliability.soak.readPauseMs", 20);

  private final long seconds = Long.getLong("reliability.soak.seconds", 45);
  private final int maxOps = Integer.getInteger("reliability.soak.maxOps", 100_000);
  private final int attempts = Integer.getInteger("reliability.soak.attempts", 3);
  private final long seed = Long.getLong("reliability.seed", 20261204L);

  @Test
  void writersAndReadersOnOneSpaceLoseNothingAndSeeOnlyCommittedVersions(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    String hubUri = hubUri(dir);
    EmbeddingHub.open(hubUri, conf()).createSpace(SpaceSpec.builder(SoakOps.SPACE, SoakOps.DIMS).buckets(4).build());
    int writers = THREAD_WRITERS + CHILD_WRITERS;
    assertThat(writers).as("writers (numbered below SoakOps.FIRST_APPEND_WRITER)").isBetween(1, SoakOps.FIRST_APPEND_WRITER);

    SoakWatch watch = new SoakWatch();
    List<Process> children = new ArrayList<>();
    for (int c = 0; c < CHILD_WRITERS; c++) {
      int w = THREAD_WRITERS + c;
      children.add(SoakWriter.startChild(dir, hubUri, w, seed, seconds, maxOps, attempts, storeSettings()));
      watch.child("writer JVM " + w, children.get(c), SoakWriter.childLog(dir, w));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREAD_WRITERS + READERS);
    List<Future<List<String>>> threadWriters = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int w = 0; w < THREAD_WRITERS; w++) {
      int writer = w;
      SoakWriter.Progress progress = new SoakWriter.Progress();
      threadWriters.add(pool.submit(() -> {
        List<String> lines = new ArrayList<>();
        Space space = EmbeddingHub.open(hubUri, SoakWriter.conf(attempts, storeSettings())).getSpace(SoakOps.SPACE);
        SoakWriter.run(space, writer, seed, deadline, maxOps, lines::add, progress);
        return lines;
      }));
      watch.thread("writer thread " + w, threadWriters.get(w), progress);
    }
    SoakChecker checker = new SoakChecker(seed);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      int reader = r;
      readers.add(pool.submit(
          () -> checker.read(EmbeddingHub.open(hubUri, conf()).getSpace(SoakOps.SPACE), reader, writing, READ_PAUSE_MS)));
    }

    try {
      watch.await(deadline);
    } catch (AssertionError | InterruptedException stuck) {
      pool.shutdownNow(); // the failure carries the stuck thread's stack; it must not keep the JVM
      throw stuck;
    } finally {
      writing.set(false);
    }
    Map<Integer, List<String>> results = new TreeMap<>();
    for (int w = 0; w < THREAD_WRITERS; w++) {
      results.put(w, threadWriters.get(w).get());
    }
    for (int c = 0; c < CHILD_WRITERS; c++) {
      int w = THREAD_WRITERS + c;
      results.put(w, SoakWriter.childResults(children.get(c), dir, w));
    }
    for (Future<?> r : readers) {
      r.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    double runSeconds = (System.nanoTime() - started) / 1e9;

    SoakChecker.Summary s = checker.check(EmbeddingHub.open(hubUri, conf()).getSpace(SoakOps.SPACE), results);
    System.out.printf(
        "SOAK seconds=%d run_seconds=%.1f writers=%d(threads=%d,jvms=%d) readers=%d commit_attempts=%d ops=%d"
            + " acknowledged=%d conflicts=%d lost=0 versions=%d maintenance_versions=%d live_keys=%d %s seed=%d%n"
            + "this JVM (writer threads, readers, checker): %s%n",
        seconds, runSeconds, writers, THREAD_WRITERS, CHILD_WRITERS, READERS, attempts, s.ops(), s.acknowledged(),
        s.conflicts(), s.versions(), s.maintenance(), s.liveKeys(), checker.readerCounts(), seed,
        SoakWriter.requestCounts(java.net.URI.create(hubUri), conf(), (int) s.ops()));
  }
}
