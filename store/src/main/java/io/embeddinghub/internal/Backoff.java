package io.embeddinghub.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The jittered exponential backoff between attempts after a lost commit race: a commit's append
 * to the log ({@code table.Committer}) and a whole job's re-run ({@code engine.Retry}) wait the
 * same way.
 */
public final class Backoff {
  private Backoff() {}

  /** Sleeps a random 1 ms to min(200, 2^attempt) ms before another attempt on {@code space}. */
  public static void sleep(int attempt, String space) {
    long maxMillis = Math.min(200, 1L << Math.min(attempt, 8));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.retryInterrupted(space, e);
    }
  }
}
