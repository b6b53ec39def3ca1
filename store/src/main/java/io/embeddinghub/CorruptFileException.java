package io.embeddinghub;

/** A log, checkpoint or data file is unreadable, truncated or inconsistent with the log. */
public class CorruptFileException extends EmbeddingHubException {
  /** The file that could not be read. */
  private final String path;

  /**
   * Creates the exception.
   *
   * @param path the file that could not be read
   * @param message what is wrong with it
   * @param cause the underlying failure (I/O or decoding), or {@code null}
   */
  public CorruptFileException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** {@return the file that could not be read} */
  public String path() {
    return path;
  }
}
