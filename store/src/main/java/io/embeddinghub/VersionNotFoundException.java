package io.embeddinghub;

/** The requested version (or timestamp) is not in the space's retained history. */
public class VersionNotFoundException extends EmbeddingHubException {
  public VersionNotFoundException(String message) {
    super(message);
  }

  public VersionNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
