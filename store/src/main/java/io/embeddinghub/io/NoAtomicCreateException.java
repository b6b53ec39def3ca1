package io.embeddinghub.io;

import java.io.IOException;

/**
 * A commit was refused before anything was written: the hub's file system has no atomic
 * create-if-absent ({@link AtomicCreate#NONE}) and the hub is not declared single-writer, so a
 * concurrent writer could overwrite the version this commit would create and lose it.
 */
public final class NoAtomicCreateException extends IOException {
  public NoAtomicCreateException(String message) {
    super(message);
  }
}
