package io.embeddinghub;

import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.keysOf;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.embeddinghub.index.InMemoryIndex;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.FaultyFileIO;
import io.embeddinghub.testing.TestHubs;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Concurrent readers share one load of a data file, and an in-memory space's index build blocks
 * neither reads nor writes. Threads are lined up with latches and thread states, never sleeps.
 */
class SingleFlightTest {
  private static final int DIMS = 4;
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final TestHubs hubs = TestHubs.local();

  private static <T> FutureTask<T> start(Callable<T> call) {
    FutureTask<T> task = new FutureTask<>(call);
    Thread thread = new Thread(task, "single-flight-test");
    thread.setDaemon(true);
    thread.start();
    return task;
  }

  private static Thread started(FutureTask<?> task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Spins until {@code done} holds (failing after a generous deadline, so a bug cannot hang the build). */
  private static void await(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }

  /** Whether {@code thread} is parked inside a method of {@code className}. */
  private static boolean parkedIn(Thread thread, String className) {
    return thread.getState() == Thread.State.WAITING
        && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().equals(className));
  }

  @Test
  void twoColdReadsOfOneDataFileLoadItOnce() throws Exception {
    Random random = new Random(51);
    EmbeddingHub plain = hubs.newHub();
    Space written = plain.createSpace(SpaceSpec.builder("sf", DIMS).buckets(1).build());
    Map<String, float[]> model = batch(random, DIMS, "k", 0, 50);
    written.multiset(model);
    FaultyFileIO io = new FaultyFileIO(new HadoopFileIO(URI.create(plain.root()), hubs.conf()));
    org.apache.hadoop.conf.Configuration loadWhole = new org.apache.hadoop.conf.Configuration(hubs.conf());
    loadWhole.setInt(HubProperties.POINT_LOOKUP_MAX_KEYS, 0); // lookups load files into the cache (no point reads)
    Space space = EmbeddingHub.open(io, loadWhole).getSpace("sf"); // a cold cache
    assertThat(io.dataFileOpens()).isZero();

    // keys: the second reader waits for the first one's load
    CountDownLatch gate = new CountDownLatch(1);
    io.holdDataFileOpens(gate);
    FutureTask<Boolean> first = start(() -> space.contains("k001"));
    await(() -> io.dataFileOpens() == 1, "the first reader opens the file");
    FutureTask<Boolean> second = new FutureTask<>(() -> space.contains("k002"));
    Thread secondThread = started(second, "second reader");
    await(() -> io.dataFileOpens() > 1 || parkedIn(secondThread, "java.util.concurrent.CompletableFuture"),
        "the second reader waits for the first one's load or opens the file itself");
    gate.countDown();
    assertThat(first.get()).isTrue();
    assertThat(second.get()).isTrue();
    assertThat(io.dataFileOpens()).as("opens of the data file by two cold key lookups").isEqualTo(1);

    // embeddings (the keys are cached now): again one load for both
    CountDownLatch vectorsGate = new CountDownLatch(1);
    io.holdDataFileOpens(vectorsGate);
    FutureTask<float[]> firstGet = start(() -> space.get("k001"));
    await(() -> io.dataFileOpens() == 2, "the first reader opens the file for its embeddings");
    FutureTask<float[]> secondGet = new FutureTask<>(() -> space.get("k002"));
    Thread secondGetThread = started(secondGet, "second get");
    await(() -> io.dataFileOpens() > 2 || parkedIn(secondGetThread, "java.util.concurrent.CompletableFuture"),
        "the second reader waits for the first one's load or opens the file itself");
    vectorsGate.countDown();
    assertThat(firstGet.get()).containsExactly(model.get("k001"));
    assertThat(secondGet.get()).containsExactly(model.get("k002"));
    assertThat(io.dataFileOpens()).as("opens of the data file by two cold embedding reads").isEqualTo(2);
  }

  @Test
  void aLocalSpaceIndexBuildBlocksNeitherWritesNorReads() throws Exception {
    Random random = new Random(52);
    CountDownLatch buildStarted = new CountDownLatch(1);
    CountDownLatch finishBuild = new CountDownLatch(1);
    LocalSpace local = new LocalSpace(SpaceSpec.builder("local", DIMS).build(), (rows, spec, threads) -> {
      buildStarted.countDown();
      try {
        finishBuild.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return InMemoryIndex.build(rows, spec, threads);
    });
    Map<String, float[]> model = batch(random, DIMS, "k", 0, 300);
    local.multiset(model);
    float[] q = vector(random, DIMS);
    try {
      FutureTask<List<Neighbor>> query = start(() -> local.nearestNeighbors(5, q));
      assertThat(buildStarted.await(30, TimeUnit.SECONDS)).as("the query starts a build").isTrue();

      // while the build waits: writes, reads and other queries go on
      FutureTask<Void> writes = start(() -> {
        local.set("near", q);
        local.delete("k001");
        local.set("k002", vector(random, DIMS));
        return null;
      });
      writes.get(30, TimeUnit.SECONDS);
      assertThat(local.contains("near")).isTrue();
      assertThat(local.size()).isEqualTo(300);
      assertThat(keysOf(local.nearestNeighbors(1, q))).as("a query during the build scans exactly").containsExactly("near");

      finishBuild.countDown();
      assertThat(query.get(30, TimeUnit.SECONDS)).hasSize(5);
    } finally {
      finishBuild.countDown();
    }
    // the new index holds the rows as copied; rows changed during the build are searched exactly
    assertThat(keysOf(local.nearestNeighbors(1, q))).containsExactly("near");
    assertThat(keysOf(local.nearestNeighbors(300, q))).doesNotContain("k001").contains("k002").hasSize(300);
    assertThat(keysOf(local.nearestNeighbors(1, local.get("k002")))).containsExactly("k002");
  }
}
