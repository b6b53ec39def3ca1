package io.embeddinghub.table;

import io.embeddinghub.UnsafeStoreException;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.log.TransactionLog;
import java.io.IOException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optimistic commits: plan the change against the latest version, try to create the next log
 * entry, and when a concurrent writer got there first, re-read the log and plan again on top of
 * it (with jittered backoff). Planners re-derive everything that depends on the state (which
 * rows a write replaces, whether a compaction's inputs are still live), so a retried commit never
 * loses the concurrent writer's update; a planner that finds its change no longer applies throws
 * a {@link io.embeddinghub.CommitConflictException}.
 */
final class Committer {
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  private final HubContext ctx;
  private final TransactionLog log;
  private final String space;

  Committer(HubContext ctx, TransactionLog log, String space) {
    this.ctx = ctx;
    this.log = log;
    this.space = space;
  }

  /**
   * Commits what {@code planner} derives from the latest state.
   *
   * @param start a recent state to start from (re-read from the log before planning)
   * @param onKnownFailure run when the operation certainly did not commit (deletes its files)
   * @return the state after the commit, or the latest state when the plan was empty
   */
  SpaceState commit(SpaceState start, Function<SpaceState, CommitPlan> planner, Runnable onKnownFailure) {
    try {
      log.checkCommitsSafe();
    } catch (UnsafeStoreException refused) {
      onKnownFailure.run();
      throw refused;
    }
    SpaceState state = log.update(start);
    int maxAttempts = ctx.settings().commitMaxAttempts();
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      CommitPlan plan;
      try {
        plan = planner.apply(state);
      } catch (RuntimeException e) {
        onKnownFailure.run();
        throw e;
      }
      if (plan.isEmpty()) {
        onKnownFailure.run();
        return state;
      }
      long timestamp = Math.max(ctx.nowMillis(), state.timestampMillis() + 1);
      LogEntry entry = plan.toEntry(state.version() + 1, timestamp, state.size(), null);
      SpaceState next;
      try {
        next = state.apply(entry); // a plan that would make an inconsistent version is never written
      } catch (IllegalStateException e) {
        onKnownFailure.run();
        throw Errors.conflict(space, e.getMessage());
      }
      boolean committed;
      try {
        committed = log.tryCommit(entry);
      } catch (IOException e) {
        // outcome unknown: the entry may exist; never delete files that it may reference
        throw Errors.commitOutcomeUnknown(entry.version(), space, e);
      }
      if (committed) {
        maybeCheckpoint(next);
        return next;
      }
      backoff(attempt);
      state = log.update(state);
    }
    onKnownFailure.run();
    throw Errors.lostEveryAttempt(space, maxAttempts);
  }

  private void maybeCheckpoint(SpaceState state) {
    if (state.version() % ctx.settings().checkpointInterval() != 0) {
      return;
    }
    try {
      log.writeCheckpoint(state, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not write checkpoint {} of space {}: {}", state.version(), space, e.toString());
    }
  }

  private void backoff(int attempt) {
    io.embeddinghub.internal.Backoff.sleep(attempt, space);
  }
}
