package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.Test;

/**
 * A file served partly from a kept tail reads, at every position and across the boundary, the
 * bytes of the tail it was given for the tail and the store's bytes before it (an in-memory file
 * as the store, with its opens counted), and opens the store only for reads before the tail.
 */
class TailServedFileTest {
  private final Random random = new Random(3);
  private final byte[] stored = bytes(10_000);

  @Test
  void readsAnywhereMatchTheStoreBeforeTheTailAndTheKeptBytesInIt() throws IOException {
    int tailLength = 1_500;
    byte[] kept = Arrays.copyOfRange(stored, stored.length - tailLength, stored.length);
    kept[7] ^= 0x5a; // served from memory, not read again: a changed kept byte is what is read
    byte[] expected = stored.clone();
    System.arraycopy(kept, 0, expected, stored.length - tailLength, tailLength);
    Store store = new Store(stored);
    TailServedFile file = new TailServedFile(store, stored.length, kept);
    try (SeekableInputStream in = file.newStream()) {
      for (int i = 0; i < 500; i++) {
        int from = random.nextInt(stored.length);
        int len = random.nextInt(Math.min(3_000, stored.length - from) + 1);
        byte[] got = new byte[len];
        in.seek(from);
        if (i % 2 == 0) {
          in.readFully(got);
        } else {
          ByteBuffer buf = ByteBuffer.wrap(got);
          in.readFully(buf);
        }
        assertThat(got).as("bytes %d..%d", from, from + len).isEqualTo(Arrays.copyOfRange(expected, from, from + len));
        assertThat(in.getPos()).isEqualTo(from + len);
      }
      in.seek(stored.length);
      assertThat(in.read()).as("read at the end").isEqualTo(-1);
      assertThatThrownBy(() -> in.readFully(new byte[1])).isInstanceOf(EOFException.class);
    }
    assertThat(store.opens).as("one store stream, opened once").isEqualTo(1);
  }

  @Test
  void readsWithinTheTailNeverOpenTheStore() throws IOException {
    byte[] kept = Arrays.copyOfRange(stored, 4_000, stored.length);
    Store store = new Store(stored);
    try (SeekableInputStream in = new TailServedFile(store, stored.length, kept).newStream()) {
      byte[] footerLength = new byte[8];
      in.seek(stored.length - 8);
      in.readFully(footerLength);
      in.seek(4_000);
      byte[] all = new byte[stored.length - 4_000];
      in.readFully(all);
      assertThat(all).isEqualTo(kept);
    }
    assertThat(store.opens).isZero();
  }

  @Test
  void aTailLongerThanTheFileIsRefused() {
    assertThatThrownBy(() -> new TailServedFile(new Store(stored), 10, new byte[11]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("11 bytes in a file of 10");
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** An in-memory file that counts its streams. */
  private static final class Store implements InputFile {
    private final byte[] bytes;
    int opens;

    Store(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      opens++;
      return new org.apache.parquet.io.DelegatingSeekableInputStream(new java.io.ByteArrayInputStream(bytes) {
        long position() {
          return pos;
        }
      }) {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void seek(long newPos) {
          ((java.io.ByteArrayInputStream) getStream()).reset();
          ((java.io.ByteArrayInputStream) getStream()).skip(newPos);
          pos = newPos;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            pos += n;
          }
          return n;
        }
      };
    }
  }
}
