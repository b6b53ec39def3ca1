package io.embeddinghub.spark;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Timestamps between SQL and the store: parses {@code timestampAsOf} (an ISO-8601 instant, or
 * {@code yyyy-MM-dd HH:mm:ss[.SSS]} in UTC) and turns an instant into Spark's internal value.
 */
final class Timestamps {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

  private Timestamps() {}

  static Instant parse(String value) {
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(value.trim(), LOCAL).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw SparkErrors.badTimestamp(value);
      }
    }
  }

  /** {@code t} as Spark's internal timestamp: microseconds since the epoch. */
  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }
}
