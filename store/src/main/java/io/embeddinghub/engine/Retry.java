package io.embeddinghub.engine;

import io.embeddinghub.internal.Retries;
import java.util.function.Supplier;

/**
 * The store's retry policy for engines: a job whose commit lost a race to a concurrent writer is
 * planned and run again, as the embedded API does for its own jobs.
 */
public final class Retry {
  /** Attempts of a job, the first included. */
  public static final int ATTEMPTS = Retries.JOB_ATTEMPTS;

  private Retry() {}

  /**
   * Runs a job until it returns without a {@link io.embeddinghub.CommitConflictException}, at most
   * {@value #ATTEMPTS} times, with a short random backoff between attempts.
   *
   * @param <T> the job's result type
   * @param space the space the job commits to, for messages
   * @param job plans, runs and commits the job; called again after a conflict
   * @return the job's result
   * @throws io.embeddinghub.CommitConflictException when the last attempt conflicted too
   */
  public static <T> T onConflict(String space, Supplier<T> job) {
    return Retries.onConflict(space, job);
  }
}
