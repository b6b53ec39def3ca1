package io.embeddinghub;

/** A log, checkpoint or data file is unreadable, truncated or inconsistent with the log. */
public class CorruptFileException extends EmbeddingHubException {
  private final String path;

  public CorruptFileException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The file that could not be read. */
  public String path() {
    return path;
  }
}
