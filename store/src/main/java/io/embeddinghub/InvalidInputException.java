package io.embeddinghub;

/**
 * An argument was rejected before anything was written: an invalid space name, a key that is
 * null or empty, a vector of the wrong length or with NaN/Inf values, dimensions ≤ 0, and so on.
 * Stored data is unchanged when this is thrown.
 */
public class InvalidInputException extends EmbeddingHubException {
  /**
   * Creates the exception.
   *
   * @param message which argument was rejected and why
   */
  public InvalidInputException(String message) {
    super(message);
  }
}
