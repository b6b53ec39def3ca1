package io.embeddinghub.testing;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps for a test that finds something stuck: of this JVM (every thread's full stack, the
 * lock it waits for and the locks it holds; {@link ThreadInfo#toString()} would cut each stack at
 * eight frames) and of a child JVM, through {@code jcmd <pid> Thread.print}, taken before the
 * child is killed.
 */
public final class ThreadDumps {
  private ThreadDumps() {}

  /** Every thread of this JVM, with full stacks, locks and deadlocked threads named. */
  public static String thisJvm() {
    var threads = ManagementFactory.getThreadMXBean();
    StringBuilder dump = new StringBuilder();
    long[] deadlocked = threads.findDeadlockedThreads();
    if (deadlocked != null) {
      dump.append("DEADLOCKED thread ids: ").append(java.util.Arrays.toString(deadlocked)).append('\n');
    }
    for (ThreadInfo t : threads.dumpAllThreads(true, true)) {
      dump.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
          .append(t.isDaemon() ? " daemon " : " ").append(t.getThreadState());
      if (t.getLockName() != null) {
        dump.append(" on ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        dump.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
      }
      dump.append('\n');
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < stack.length; i++) {
        dump.append("    at ").append(stack[i]).append('\n');
        for (MonitorInfo m : t.getLockedMonitors()) {
          if (m.getLockedStackDepth() == i) {
            dump.append("      - locked ").append(m).append('\n');
          }
        }
      }
      for (LockInfo l : t.getLockedSynchronizers()) {
        dump.append("    holds ").append(l).append('\n');
      }
      dump.append('\n');
    }
    return dump.toString();
  }

  /**
   * Whether thread {@code id} of this JVM moves: its CPU time and stack now and {@code seconds}
   * later, so that a stalled call (same stack, no CPU) reads apart from a slow one.
   */
  public static String progress(long id, int seconds) {
    var threads = ManagementFactory.getThreadMXBean();
    ThreadInfo before = threads.getThreadInfo(id, Integer.MAX_VALUE);
    long cpuBefore = threads.getThreadCpuTime(id);
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ThreadInfo after = threads.getThreadInfo(id, Integer.MAX_VALUE);
    long cpuAfter = threads.getThreadCpuTime(id);
    if (before == null || after == null) {
      return "PROGRESS thread #" + id + ": ended";
    }
    boolean sameStack = java.util.Arrays.equals(before.getStackTrace(), after.getStackTrace());
    StringBuilder b = new StringBuilder(String.format(
        "PROGRESS thread #%d \"%s\": %.1f ms of CPU in %d s; stack %s%n", id, after.getThreadName(),
        (cpuAfter - cpuBefore) / 1e6, seconds, sameStack ? "unchanged" : "changed, now:"));
    if (!sameStack) {
      for (StackTraceElement frame : after.getStackTrace()) {
        b.append("    at ").append(frame).append('\n');
      }
    }
    return b.toString();
  }

  /**
   * The child's threads as {@code jcmd <pid> Thread.print} prints them (at most 60 s), or why none
   * could be taken; the child keeps running.
   */
  public static String ofProcess(Process child) {
    if (!child.isAlive()) {
      return "(process " + child.pid() + " has exited with code " + child.exitValue() + ")";
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Path out = java.nio.file.Files.createTempFile("jcmd-" + child.pid(), ".txt");
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "Thread.print", "-l")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean done = p.waitFor(60, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String dump = java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
      java.nio.file.Files.deleteIfExists(out);
      return done ? dump : "(jcmd " + child.pid() + " Thread.print did not finish in 60 s)\n" + dump;
    } catch (IOException e) {
      return "(jcmd " + child.pid() + " Thread.print failed: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted while dumping " + child.pid() + ")";
    }
  }
}
