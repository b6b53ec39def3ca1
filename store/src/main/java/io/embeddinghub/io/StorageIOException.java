package io.embeddinghub.io;

import java.io.IOException;

/**
 * The file system failed to open a file that exists (an unreachable datanode, a lost connection,
 * a refused call): an I/O failure, which a retry may not meet, as opposed to a file whose content
 * cannot be decoded. Readers report it as an I/O error, never as a corrupt file.
 */
public final class StorageIOException extends IOException {
  public StorageIOException(String message, IOException cause) {
    super(message, cause);
  }

  /** Whether {@code t} or one of its causes is a storage failure. */
  public static boolean isCauseOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StorageIOException) {
        return true;
      }
    }
    return false;
  }
}
