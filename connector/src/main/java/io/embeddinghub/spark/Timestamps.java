package io.embeddinghub.spark;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses {@code timestampAsOf}: an ISO-8601 instant, or {@code yyyy-MM-dd HH:mm:ss[.SSS]} in UTC. */
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
}
