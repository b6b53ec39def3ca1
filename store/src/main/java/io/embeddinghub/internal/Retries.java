package io.embeddinghub.internal;

import io.embeddinghub.CommitConflictException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The store's one retry policy: a whole job (optimize, an index build, a distributed delete) that
 * lost a commit race to a concurrent writer is planned and run again, a few times, with a jittered
 * exponential backoff between attempts; a single commit retries its append to the log the same way
 * ({@link #backoff}).
 */
public final class Retries {
  /** Attempts of a job whose commit conflicts with concurrent commits. */
  public static final int JOB_ATTEMPTS = 3;

  private Retries() {}

  /**
   * Runs {@code job} until it returns without a {@link CommitConflictException}, at most
   * {@value #JOB_ATTEMPTS} times; the last attempt's conflict is thrown.
   */
  public static <T> T onConflict(String space, Supplier<T> job) {
    for (int attempt = 1; ; attempt++) {
      try {
        return job.get();
      } catch (CommitConflictException e) {
        if (attempt >= JOB_ATTEMPTS) {
          throw e;
        }
        backoff(attempt, space);
      }
    }
  }

  /** Sleeps a random 1 ms to min(200, 2^attempt) ms before another attempt on {@code space}. */
  public static void backoff(int attempt, String space) {
    long maxMillis = Math.min(200, 1L << Math.min(attempt, 8));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.retryInterrupted(space, e);
    }
  }
}
