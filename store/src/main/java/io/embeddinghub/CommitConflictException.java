package io.embeddinghub;

/**
 * A commit lost a race with a concurrent writer and could not be re-applied on top of it (for
 * example {@code optimize} of a bucket that another writer changed), or kept losing races past
 * the retry limit. Nothing of the failed operation is visible; the operation may be retried.
 */
public class CommitConflictException extends EmbeddingHubException {
  /** Whether the commit still applied but lost every attempt it was allowed. */
  private final boolean lostEveryAttempt;

  /**
   * Creates the exception for a commit that no longer applies.
   *
   * @param message the detail message: the space and what the commit conflicted with
   */
  public CommitConflictException(String message) {
    this(message, false);
  }

  /**
   * Creates the exception.
   *
   * @param message the detail message: the space and what the commit conflicted with
   * @param lostEveryAttempt whether the commit still applied but lost every attempt it was allowed
   *     ({@code embeddinghub.commit.max-attempts}) to concurrent writers
   */
  public CommitConflictException(String message, boolean lostEveryAttempt) {
    super(message);
    this.lostEveryAttempt = lostEveryAttempt;
  }

  /**
   * Whether the commit still applied but lost every attempt it was allowed to concurrent writers,
   * as opposed to a change that no longer applies (an input another writer replaced).
   *
   * @return true when every attempt was lost to concurrent writers
   */
  public boolean lostEveryAttempt() {
    return lostEveryAttempt;
  }
}
