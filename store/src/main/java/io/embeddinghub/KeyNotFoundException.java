package io.embeddinghub;

import java.util.List;

/**
 * One or more requested keys are not in the space. Callers that expect absence use the
 * absent-tolerant forms ({@link ReadableSpace#find(String)}, {@link ReadableSpace#contains(String)}).
 */
public class KeyNotFoundException extends EmbeddingHubException {
  private final List<String> missingKeys;

  public KeyNotFoundException(List<String> missingKeys, String message) {
    super(message);
    this.missingKeys = List.copyOf(missingKeys);
  }

  /** The missing keys (all of them, in request order; the message names only the first few). */
  public List<String> missingKeys() {
    return missingKeys;
  }
}
