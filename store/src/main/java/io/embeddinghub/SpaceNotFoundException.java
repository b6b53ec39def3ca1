package io.embeddinghub;

/** No space of that name exists in the hub (never created, or dropped). */
public class SpaceNotFoundException extends EmbeddingHubException {
  /** The name of the space that was not found. */
  private final String spaceName;

  /**
   * Creates the exception.
   *
   * @param spaceName the name of the space that was not found
   * @param message the detail message
   */
  public SpaceNotFoundException(String spaceName, String message) {
    super(message);
    this.spaceName = spaceName;
  }

  /** {@return the name of the space that was not found} */
  public String spaceName() {
    return spaceName;
  }
}
