package io.embeddinghub.engine;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.internal.Backoff;
import java.util.function.Supplier;

/**
 * The store's one retry policy for jobs: a job (an index build, an optimize, a distributed delete)
 * whose commit no longer applied (a concurrent writer replaced its inputs) is planned and run
 * again, a few times, with a jittered backoff between attempts. A commit that still applied but
 * lost every attempt it was allowed ({@link CommitConflictException#lostEveryAttempt()}) is not:
 * the committer already re-planned it {@code embeddinghub.commit.max-attempts} times, and running
 * the job again would redo all its work (an optimize's whole rewrite) to meet the same writers.
 * Every runner's jobs retry this way.
 */
public final class Retry {
  /** Attempts of a job, the first included. */
  public static final int ATTEMPTS = 3;

  private Retry() {}

  /**
   * Runs a job until it returns without a {@link CommitConflictException}, at most {@value
   * #ATTEMPTS} times, with a short random backoff between attempts; a conflict whose commit lost
   * every attempt is thrown at once.
   *
   * @param <T> the job's result type
   * @param space the space the job commits to, for messages
   * @param job plans, runs and commits the job; called again after a conflict
   * @return the job's result
   * @throws CommitConflictException when the last attempt conflicted too, or a commit lost every
   *     attempt it was allowed
   */
  public static <T> T onConflict(String space, Supplier<T> job) {
    for (int attempt = 1; ; attempt++) {
      try {
        return job.get();
      } catch (CommitConflictException e) {
        if (attempt >= ATTEMPTS || e.lostEveryAttempt()) {
          throw e;
        }
        Backoff.sleep(attempt, space);
      }
    }
  }
}
