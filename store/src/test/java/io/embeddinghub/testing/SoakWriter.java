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
 * {@code DONE}; other failures end it with exit code 2.
 *
 * <p>Arguments: hub URI, writer number, seed, seconds, max operations, commit attempts, result file,
 * hub settings ({@link #encodeSettings}).
 */
public final class SoakWriter {
  private SoakWriter() {}

  public static void main(String[] args) {
    try (FileOutputStream out = new FileOutputStream(args[6], true)) {
      Consumer<String> sink = line -> {
        try {
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      Space space = EmbeddingHub.open(args[0], conf(Integer.parseInt(args[5]), decodeSettings(args[7]))).getSpace(SoakOps.SPACE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
      run(space, Integer.parseInt(args[1]), Long.parseLong(args[2]), deadline, Integer.parseInt(args[4]), sink);
      sink.accept("DONE");
      out.getFD().sync();
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(2);
    }
    System.exit(0);
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

  /** Runs the writer's operations; returns how many it ran. */
  public static int run(Space space, int writer, long seed, long deadlineNanos, int maxOps, Consumer<String> results) {
    int n = 0;
    for (; n < maxOps && System.nanoTime() < deadlineNanos; n++) {
      SoakOps.Op op = SoakOps.op(seed, writer, n);
      long deleted = -1;
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
      }
      results.accept("O " + n + " " + deleted);
    }
    return n;
  }
}
