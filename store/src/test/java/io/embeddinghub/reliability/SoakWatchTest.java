package io.embeddinghub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.ChildJvm;
import io.embeddinghub.testing.SoakWatch;
import io.embeddinghub.testing.SoakWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's watch fires: a writer thread whose operation outlives the bound fails the wait with
 * that thread's stack, whether it moved in the second after (a stalled wait: its stack unchanged),
 * and a live writer JVM's stack (taken with jcmd before it is killed).
 */
@Tag("slow")
class SoakWatchTest {
  /** A child JVM that waits where its stack will show it. */
  public static final class Sleeper {
    public static void main(String[] args) throws Exception {
      System.out.println("sleeping");
      System.out.flush();
      sleepingInAChildJvm();
    }

    static void sleepingInAChildJvm() throws InterruptedException {
      Thread.sleep(600_000);
    }
  }

  private static void stuckInAStoreCall(CountDownLatch never) throws InterruptedException {
    never.await();
  }

  @Test
  void aStuckWriterFailsTheWaitWithItsStackAndTheWriterJvmsStacks(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("sleeper.log");
    Process child = ChildJvm.start("-Xmx64m", Sleeper.class, log);
    long started = System.nanoTime();
    while (!Files.exists(log) || !Files.readString(log).contains("sleeping")) {
      assertThat(System.nanoTime() - started).as("child JVM started; output: %s", ChildJvm.tail(log, 2000))
          .isLessThan(TimeUnit.SECONDS.toNanos(60));
      Thread.sleep(50);
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch never = new CountDownLatch(1);
    SoakWriter.Progress progress = new SoakWriter.Progress();
    Future<?> writer = pool.submit(() -> {
      progress.start(7);
      stuckInAStoreCall(never);
      return null;
    });
    SoakWatch watch = new SoakWatch(1, 1);
    watch.thread("writer thread 0", writer, progress);
    watch.child("writer JVM 1", child, log);
    try {
      assertThatThrownBy(() -> watch.await(System.nanoTime()))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("STUCK writer thread 0: op 7 has run")
          .hasMessageContaining("past the bound of 1 s")
          .hasMessageContaining("SoakWatchTest.stuckInAStoreCall")
          .hasMessageMatching("(?s).*writer thread 0: PROGRESS thread #\\d+ \"[^\"]+\": [0-9.]+ ms of CPU in 1 s; stack unchanged.*")
          .hasMessageContaining("---- threads of writer JVM 1 (pid " + child.pid() + ")")
          .hasMessageContaining("SoakWatchTest$Sleeper.sleepingInAChildJvm");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the stuck soak's writer JVM was killed").isTrue();
    } finally {
      never.countDown();
      pool.shutdownNow();
      child.destroyForcibly();
    }
  }
}
