package io.embeddinghub.testing;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * One writer of the concurrency soak: runs {@link SoakOps} operations 0, 1, ... of its writer
 * number until its deadline or operation limit, reporting after each call {@code O <n> <rows
 * deleted>} (acknowledged) or {@code C <n>} (refused with {@link CommitConflictException}). Any
 * other exception propagates. As a child JVM ({@link #main}) it writes the lines to a file, then
 * {@code DONE}; other failures end it with exit code 2. An operation that runs longer than its bound
 * ends the child JVM with exit code 3 after printing {@code WATCHDOG} and every thread's stack to
 * its output, so that a stuck call is reported with where it is stuck, not as a silent hang.
 *
 * <p>Arguments: hub URI, writer number, seed, seconds, max operations, commit attempts, result file,
 * hub settings ({@link #encodeSettings}), operation bound in seconds.
 */
public final class SoakWriter {
  private SoakWriter() {}

  /** Exit code of a child JVM whose operation ran past its bound. */
  public static final int EXIT_STUCK = 3;

  /** The operation a writer is running and since when, read by a watchdog on another thread. */
  public static final class Progress {
    private volatile int op = -1;
    private volatile long startedNanos;
    private volatile long threadId = -1;

    public void start(int number) {
      threadId = Thread.currentThread().getId();
      startedNanos = System.nanoTime();
      op = number;
    }

    /** The thread that runs the operations. */
    public long threadId() {
      return threadId;
    }

    public void end() {
      op = -1;
    }

    /** The operation running longer than {@code boundNanos}, or -1. */
    public int overdue(long boundNanos) {
      int running = op;
      return running >= 0 && System.nanoTime() - startedNanos > boundNanos ? running : -1;
    }

    /** Seconds the current operation has run, 0 when idle. */
    public double runningSeconds() {
      return op < 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
    }
  }

  public static void main(String[] args) {
    Progress progress = new Progress();
    long boundNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[8]));
    Thread watchdog = new Thread(() -> {
      while (true) {
        int stuck = progress.overdue(boundNanos);
        if (stuck >= 0) {
          System.out.printf("WATCHDOG writer %s op %d has run %.0f s, past its bound of %s s; threads:%n%s%n",
              args[1], stuck, progress.runningSeconds(), args[8], ThreadDumps.thisJvm());
          System.out.println(ThreadDumps.progress(progress.threadId(), 20));
          System.out.flush();
          Runtime.getRuntime().halt(EXIT_STUCK);
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "soak-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try (FileOutputStream out = new FileOutputStream(args[6], true)) {
      Consumer<String> sink = line -> {
        try {
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      Configuration conf = conf(Integer.parseInt(args[5]), decodeSettings(args[7]));
      Space space = EmbeddingHub.open(args[0], conf).getSpace(SoakOps.SPACE);
      long started = System.nanoTime();
      long deadline = started + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
      int ops = run(space, Integer.parseInt(args[1]), Long.parseLong(args[2]), deadline, Integer.parseInt(args[4]), sink,
          progress);
      System.out.printf("writer %s: %d ops in %.1f s; %s%n", args[1], ops, (System.nanoTime() - started) / 1e9,
          requestCounts(new java.net.URI(args[0]), conf, ops));
      sink.accept("DONE");
      out.getFD().sync();
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(2);
    }
    System.exit(0);
  }

  /**
   * The store requests this JVM's file system for {@code hubUri} made, in all and per operation,
   * from its IOStatistics (S3A counts each request kind; other file systems may count none).
   */
  public static String requestCounts(java.net.URI hubUri, Configuration conf, int ops) throws java.io.IOException {
    var stats = org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(
        org.apache.hadoop.fs.FileSystem.get(hubUri, conf));
    if (stats == null) {
      return "no request statistics";
    }
    StringBuilder b = new StringBuilder("requests");
    for (String counter : java.util.List.of("object_list_request", "action_http_head_request", "action_http_get_request",
        "object_put_request", "object_delete_request", "store_io_retry", "store_io_throttled")) {
      Long n = stats.counters().get(counter);
      if (n != null) {
        b.append(String.format(" %s=%d (%.1f/op)", counter, n, n / (double) Math.max(1, ops)));
      }
    }
    return b.toString();
  }

  /**
   * Starts writer {@code writer} in a child JVM; its output goes to {@code dir/writer-<w>.log}, its
   * reports to {@code dir/results-<w>.txt} ({@link #childResults}).
   */
  public static Process startChild(java.nio.file.Path dir, String hubUri, int writer, long seed, long seconds,
      int maxOps, int commitAttempts, java.util.Map<String, String> settings) throws java.io.IOException {
    return ChildJvm.start("-Xmx256m", SoakWriter.class, childLog(dir, writer), hubUri, Integer.toString(writer),
        Long.toString(seed), Long.toString(seconds), Integer.toString(maxOps), Integer.toString(commitAttempts),
        dir.resolve("results-" + writer + ".txt").toString(), encodeSettings(settings),
        Long.toString(SoakWatch.OP_BOUND_SECONDS));
  }

  public static java.nio.file.Path childLog(java.nio.file.Path dir, int writer) {
    return dir.resolve("writer-" + writer + ".log");
  }

  /** A finished child's reports, after checking it exited 0 and wrote them all ({@code DONE}). */
  public static java.util.List<String> childResults(Process child, java.nio.file.Path dir, int writer)
      throws java.io.IOException {
    org.assertj.core.api.Assertions.assertThat(child.exitValue())
        .as("writer JVM %d exit code (%d: an operation ran past its bound); output:%n%s", writer, EXIT_STUCK,
            ChildJvm.tail(childLog(dir, writer), 200_000))
        .isZero();
    for (String line : java.nio.file.Files.readAllLines(childLog(dir, writer))) {
      if (line.startsWith("writer " + writer + ": ")) {
        System.out.println(line); // its operation count, time and requests per operation
      }
    }
    java.util.List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("results-" + writer + ".txt"));
    org.assertj.core.api.Assertions.assertThat(lines).as("writer JVM %d results", writer).isNotEmpty().endsWith("DONE");
    return lines.subList(0, lines.size() - 1);
  }

  /** Settings as one argument: {@code key=value} pairs joined by newlines ("-" for none). */
  public static String encodeSettings(java.util.Map<String, String> settings) {
    if (settings.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    settings.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    return b.toString();
  }

  public static java.util.Map<String, String> decodeSettings(String encoded) {
    java.util.Map<String, String> settings = new java.util.TreeMap<>();
    if (!encoded.equals("-")) {
      for (String line : encoded.split("\n")) {
        int eq = line.indexOf('=');
        settings.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return settings;
  }

  public static Configuration conf(int commitAttempts, java.util.Map<String, String> settings) {
    Configuration conf = new Configuration();
    settings.forEach(conf::set);
    conf.setInt(HubProperties.COMMIT_MAX_ATTEMPTS, commitAttempts);
    return conf;
  }

  /** Runs the writer's operations, each announced to {@code progress}; returns how many it ran. */
  public static int run(Space space, int writer, long seed, long deadlineNanos, int maxOps, Consumer<String> results,
      Progress progress) {
    int n = 0;
    for (; n < maxOps && System.nanoTime() < deadlineNanos; n++) {
      SoakOps.Op op = SoakOps.op(seed, writer, n);
      long deleted = -1;
      progress.start(n);
      try {
        switch (op.type()) {
          case WRITE -> space.multiset(op.writes());
          case DELETE -> deleted = space.multidelete(op.deletes());
          case OPTIMIZE -> space.optimize();
          case BUILD_INDEX -> space.buildIndex();
          default -> throw new IllegalStateException(op.type().toString());
        }
      } catch (CommitConflictException e) {
        results.accept("C " + n);
        continue;
      } finally {
        progress.end();
      }
      results.accept("O " + n + " " + deleted);
    }
    return n;
  }
}
