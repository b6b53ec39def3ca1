package io.embeddinghub.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A scratch file on local disk that leaves nothing behind, not even when the JVM is killed: it is
 * created and opened in one step with {@link StandardOpenOption#DELETE_ON_CLOSE}, which on POSIX
 * systems unlinks the name as the file is opened, so only the open channel (and any mapping of it)
 * holds its blocks, and the kernel frees them when the process ends however it ends. Elsewhere the
 * file is deleted when the channel closes.
 */
public final class LocalSpool {
  private LocalSpool() {}

  /**
   * Creates a scratch file in {@code directory} (created if missing; null: {@code java.io.tmpdir})
   * and returns its channel, open for reading and writing.
   *
   * @param prefix the start of its name, for anyone who catches it in a listing
   */
  public static FileChannel open(Path directory, String prefix) throws IOException {
    Path dir = directory == null ? Path.of(System.getProperty("java.io.tmpdir")) : Files.createDirectories(directory);
    Path file = dir.resolve(prefix + UUID.randomUUID() + ".spool");
    return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE);
  }
}
