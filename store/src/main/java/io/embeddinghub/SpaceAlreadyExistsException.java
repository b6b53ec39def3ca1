package io.embeddinghub;

/** A space of that name already exists in the hub. */
public class SpaceAlreadyExistsException extends EmbeddingHubException {
  private final String spaceName;

  public SpaceAlreadyExistsException(String spaceName, String message) {
    super(message);
    this.spaceName = spaceName;
  }

  public String spaceName() {
    return spaceName;
  }
}
