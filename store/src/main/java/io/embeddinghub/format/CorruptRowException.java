package io.embeddinghub.format;

/**
 * Thrown inside a Parquet read when a data file's schema or a row does not match the space; the
 * reader that catches it reports the file as corrupt ({@link io.embeddinghub.CorruptFileException}).
 */
final class CorruptRowException extends RuntimeException {
  CorruptRowException(String message) {
    super(message);
  }
}
