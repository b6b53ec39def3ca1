package io.embeddinghub;

/**
 * A write was refused because the hub's file system cannot make a commit atomic: it has no
 * atomic create-if-absent (for example S3 through S3A with conditional PUTs switched off, or an
 * object store whose Hadoop connector offers none), so two concurrent writers could both take one
 * version and one acknowledged write would be lost. Nothing was committed and the files the write
 * had made were deleted. The message names the setting that makes writes possible; reads work.
 */
public class UnsafeStoreException extends EmbeddingHubException {
  /**
   * Creates the exception.
   *
   * @param message the hub root, its file system, and the settings that would make writes safe
   * @param cause the file system layer's refusal
   */
  public UnsafeStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
