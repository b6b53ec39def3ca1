package io.embeddinghub;

/** A space of that name already exists in the hub. */
public class SpaceAlreadyExistsException extends EmbeddingHubException {
  /** The name of the space that already exists. */
  private final String spaceName;

  /**
   * Creates the exception.
   *
   * @param spaceName the name of the space that already exists
   * @param message the detail message
   */
  public SpaceAlreadyExistsException(String spaceName, String message) {
    super(message);
    this.spaceName = spaceName;
  }

  /** {@return the name of the space that already exists} */
  public String spaceName() {
    return spaceName;
  }
}
