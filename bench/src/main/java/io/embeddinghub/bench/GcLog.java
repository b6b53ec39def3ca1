package io.embeddinghub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The peak heap of a JVM from its collector's log ({@code -Xlog:gc:file=<dir>/gc-%p.log:time}):
 * the largest occupancy before a collection (what the heap held at its fullest, garbage
 * included) and after one (what survived: the live set plus old garbage a young collection does
 * not reach), over the pauses between two instants, in every log file of a directory (or one
 * file). The figures are G1's own, in MiB, rounded as it prints them.
 *
 * @param maxBefore largest heap occupancy before a pause, MiB
 * @param maxAfter largest heap occupancy after a pause, MiB
 * @param committed largest committed heap, MiB
 * @param count pauses in the window
 * @param full full collections among them
 */
public record GcLog(long maxBefore, long maxAfter, long committed, int count, int full) {
  private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
      "^\\[([^\\]]+)\\].*GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /**
   * The pauses logged between {@code from} and {@code to} in {@code path}: a log file, or a
   * directory of them (one per JVM, say every executor's).
   */
  public static GcLog read(Path path, Instant from, Instant to) throws IOException {
    long before = 0;
    long after = 0;
    long committed = 0;
    int count = 0;
    int full = 0;
    java.util.List<Path> logs;
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.list(path)) {
        logs = files.toList();
      }
    } else {
      logs = java.util.List.of(path);
    }
    for (Path f : logs) {
      for (String line : Files.readAllLines(f)) {
        java.util.regex.Matcher m = LINE.matcher(line);
        if (!m.find()) {
          continue;
        }
        Instant at = java.time.OffsetDateTime.parse(m.group(1), TIME).toInstant();
        if (at.isBefore(from) || at.isAfter(to)) {
          continue;
        }
        count++;
        if (m.group(2).contains("Full")) {
          full++;
        }
        before = Math.max(before, mib(m.group(3), m.group(4)));
        after = Math.max(after, mib(m.group(5), m.group(6)));
        committed = Math.max(committed, mib(m.group(7), m.group(8)));
      }
    }
    return new GcLog(before, after, committed, count, full);
  }

  private static long mib(String value, String unit) {
    long v = Long.parseLong(value);
    return switch (unit) {
      case "K" -> v >> 10;
      case "G" -> v << 10;
      default -> v;
    };
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "max before GC %d MiB, max after GC %d MiB, committed up to %d MiB (%d GCs, %d full)",
        maxBefore, maxAfter, committed, count, full);
  }
}
