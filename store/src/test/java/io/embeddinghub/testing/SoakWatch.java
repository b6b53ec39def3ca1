package io.embeddinghub.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a soak's writers, in threads of this JVM and in child JVMs ({@link SoakWriter}), and
 * turns a stuck one into a failure that says where it is stuck: when a writer thread's operation
 * runs past its bound, or the writers have not all finished a bound after the writing deadline,
 * the failure carries every thread's stack in this JVM and each live child JVM's ({@code jcmd
 * Thread.print}), taken before the children are killed, and for each running writer thread its CPU
 * time and stack over 20 s more ({@link ThreadDumps#progress}: a stall, or a slow operation?). A
 * child enforces the same bound on itself ({@link SoakWriter#EXIT_STUCK}).
 *
 * <p>{@code -Dreliability.soak.opBoundSeconds=B} (default 180): no single operation may take
 * longer. Past it the report tells a stalled wait from a slow operation; a long run on a loaded
 * machine, where one {@code optimize} can take minutes, sets a larger bound.
 */
public final class SoakWatch {
  public static final long OP_BOUND_SECONDS = Long.getLong("reliability.soak.opBoundSeconds", 180);

  private final long boundSeconds;
  private final int progressSeconds;
  private final Map<String, Future<?>> threads = new LinkedHashMap<>();
  private final Map<String, SoakWriter.Progress> progress = new LinkedHashMap<>();
  private final Map<String, Process> children = new LinkedHashMap<>();
  private final Map<String, Path> childLogs = new LinkedHashMap<>();

  /** A watch with the bound {@link #OP_BOUND_SECONDS}. */
  public SoakWatch() {
    this(OP_BOUND_SECONDS, 20);
  }

  /** A watch with the bound {@code boundSeconds}, watching a stuck thread {@code progressSeconds} more. */
  public SoakWatch(long boundSeconds, int progressSeconds) {
    this.boundSeconds = boundSeconds;
    this.progressSeconds = progressSeconds;
  }

  public void thread(String name, Future<?> writer, SoakWriter.Progress writerProgress) {
    threads.put(name, writer);
    progress.put(name, writerProgress);
  }

  public void child(String name, Process writer, Path log) {
    children.put(name, writer);
    childLogs.put(name, log);
  }

  /**
   * Returns once every writer has finished (successfully or not: the caller reads the futures
   * and exit codes); throws {@link AssertionError} with thread dumps when one is stuck.
   */
  public void await(long writingEndsNanos) throws InterruptedException {
    long boundNanos = TimeUnit.SECONDS.toNanos(boundSeconds);
    long giveUp = writingEndsNanos + boundNanos + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      boolean running = false;
      for (Map.Entry<String, Future<?>> t : threads.entrySet()) {
        if (!t.getValue().isDone()) {
          running = true;
          int op = progress.get(t.getKey()).overdue(boundNanos);
          if (op >= 0) {
            throw stuck(String.format("%s: op %d has run %.0f s, past the bound of %d s", t.getKey(), op,
                progress.get(t.getKey()).runningSeconds(), boundSeconds));
          }
        }
      }
      for (Process p : children.values()) {
        running |= p.isAlive();
      }
      if (!running) {
        return;
      }
      if (System.nanoTime() > giveUp) {
        throw stuck(String.format("writers still running %d s after the writing deadline (operation bound %d s)",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - writingEndsNanos), boundSeconds));
      }
      Thread.sleep(500);
    }
  }

  /** The failure for a stuck writer: this JVM's threads, then each child's, then the children killed. */
  private AssertionError stuck(String what) {
    StringBuilder message = new StringBuilder("STUCK ").append(what).append('\n');
    progress.forEach((name, p) -> message.append(String.format("  %s: %s%n", name,
        threads.get(name).isDone() ? "finished" : String.format("in an operation for %.0f s", p.runningSeconds()))));
    children.forEach((name, p) -> message.append(String.format("  %s (pid %d): %s%n", name, p.pid(),
        p.isAlive() ? "running" : "exited " + p.exitValue())));
    message.append("\n---- threads of this JVM ----\n").append(ThreadDumps.thisJvm());
    progress.forEach((name, p) -> {
      if (!threads.get(name).isDone() && p.threadId() >= 0) {
        message.append(name).append(": ").append(ThreadDumps.progress(p.threadId(), progressSeconds));
      }
    });
    children.forEach((name, p) -> {
      if (p.isAlive()) {
        message.append("\n---- threads of ").append(name).append(" (pid ").append(p.pid()).append(") ----\n")
            .append(ThreadDumps.ofProcess(p));
      }
    });
    children.forEach((name, p) -> {
      p.destroyForcibly();
      message.append("\n---- output of ").append(name).append(" ----\n").append(ChildJvm.tail(childLogs.get(name), 20_000));
    });
    System.out.println(message); // the surefire report keeps it too, but a long run's console shows it at once
    return new AssertionError(message.toString());
  }
}
