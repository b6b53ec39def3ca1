package io.embeddinghub;

/** No space of that name exists in the hub (never created, or dropped). */
public class SpaceNotFoundException extends EmbeddingHubException {
  private final String spaceName;

  public SpaceNotFoundException(String spaceName, String message) {
    super(message);
    this.spaceName = spaceName;
  }

  public String spaceName() {
    return spaceName;
  }
}
