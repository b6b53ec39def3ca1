package io.embeddinghub;

/** The requested version (or timestamp) is not in the space's retained history. */
public class VersionNotFoundException extends EmbeddingHubException {
  /**
   * Creates the exception.
   *
   * @param message which version or timestamp was asked for and what history is retained
   */
  public VersionNotFoundException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the failure that caused it.
   *
   * @param message which version or timestamp was asked for and what history is retained
   * @param cause the underlying failure, or {@code null}
   */
  public VersionNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
