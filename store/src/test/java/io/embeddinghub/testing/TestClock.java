package io.embeddinghub.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wall-clock time plus an offset that tests move forward instead of sleeping: "a retention of 10
 * minutes has passed" is {@code advance(Duration.ofMinutes(10))}, not a wait. It never runs
 * backwards, and with no advance it is the system clock.
 */
public final class TestClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();

  /** Moves this clock {@code by} forward. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("A clock only moves forward, not by " + by);
    }
    offsetMillis.addAndGet(by.toMillis());
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("A test clock has one zone, UTC");
  }
}
