package io.embeddinghub;

import java.util.List;

/**
 * One or more requested keys are not in the space. Callers that expect absence use the
 * absent-tolerant forms ({@link ReadableSpace#find(String)}, {@link ReadableSpace#contains(String)}).
 */
public class KeyNotFoundException extends EmbeddingHubException {
  /** The missing keys, in request order. */
  private final List<String> missingKeys;

  /**
   * Creates the exception.
   *
   * @param missingKeys every requested key that is absent, in request order (copied)
   * @param message the detail message
   */
  public KeyNotFoundException(List<String> missingKeys, String message) {
    super(message);
    this.missingKeys = List.copyOf(missingKeys);
  }

  /**
   * {@return the missing keys} All of them, in request order; the message names only the first
   * few.
   */
  public List<String> missingKeys() {
    return missingKeys;
  }
}
