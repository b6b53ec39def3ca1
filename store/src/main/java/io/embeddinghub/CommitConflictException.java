package io.embeddinghub;

/**
 * A commit lost a race with a concurrent writer and could not be re-applied on top of it (for
 * example {@code optimize} of a bucket that another writer changed), or kept losing races past
 * the retry limit. Nothing of the failed operation is visible; the operation may be retried.
 */
public class CommitConflictException extends EmbeddingHubException {
  /**
   * Creates the exception.
   *
   * @param message the detail message: the space and what the commit conflicted with
   */
  public CommitConflictException(String message) {
    super(message);
  }
}
