package io.embeddinghub.cli;

/** A mistake in the user's input (a file, a vector string): exit code 1, message only. */
final class UserException extends RuntimeException {
  UserException(String message) {
    super(message);
  }

  UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
