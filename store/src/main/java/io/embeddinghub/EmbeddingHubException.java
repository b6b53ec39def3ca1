package io.embeddinghub;

/**
 * Base of every exception EmbeddingHub throws on purpose. Unchecked: callers catch the specific
 * subclasses they can act on ({@link SpaceNotFoundException}, {@link KeyNotFoundException}, …).
 *
 * <p>Messages name the offending value, path or version and, where it helps, what to do.
 */
public class EmbeddingHubException extends RuntimeException {
  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public EmbeddingHubException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the failure that caused it.
   *
   * @param message the detail message
   * @param cause the underlying failure, or {@code null}
   */
  public EmbeddingHubException(String message, Throwable cause) {
    super(message, cause);
  }
}
