package io.embeddinghub.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalSpool}: a scratch file that reads back what was written and has no name on disk. */
class LocalSpoolTest {
  @Test
  void aSpoolReadsBackWhatWasWrittenAndIsNeverListed(@TempDir Path dir) throws Exception {
    Path spoolDir = dir.resolve("made/on/demand");
    try (FileChannel spool = LocalSpool.open(spoolDir, "test-")) {
      assertThat(spoolDir).isDirectory();
      ByteBuffer written = ByteBuffer.allocate(1 << 20);
      for (int i = 0; written.hasRemaining(); i++) {
        written.putInt(i * 31);
      }
      written.flip();
      while (written.hasRemaining()) {
        spool.write(written);
      }
      assertThat(listed(spoolDir)).as("unlinked as it was opened (POSIX)").isZero();
      spool.position(0);
      ByteBuffer read = ByteBuffer.allocate(1 << 20);
      while (read.hasRemaining() && spool.read(read) > 0) {
        // until full or at the end
      }
      assertThat(read.flip()).isEqualTo(written.flip());
    }
    assertThat(listed(spoolDir)).isZero();
  }

  private static long listed(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
