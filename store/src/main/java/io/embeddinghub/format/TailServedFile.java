package io.embeddinghub.format;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A data file whose tail (footer, page indexes, bloom filters: every byte from {@code
 * tailOffset} to the end) is already in memory, checked against the log's CRC: reads there are
 * served from those bytes, and only reads of the column chunks before it reach the store. A
 * point read of a file whose tail was kept then costs the store the pages it reads, not a
 * ranged read of the footer, each page index and each bloom filter. The stream to the store is
 * opened at the first read before the tail.
 */
final class TailServedFile implements InputFile {
  private final InputFile file;
  private final long length;
  private final long tailOffset;
  private final byte[] tail;

  TailServedFile(InputFile file, long length, byte[] tail) {
    if (tail.length > length) {
      throw new IllegalArgumentException("A tail of " + tail.length + " bytes in a file of " + length);
    }
    this.file = file;
    this.length = length;
    this.tailOffset = length - tail.length;
    this.tail = tail;
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public String toString() {
    return file.toString();
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private SeekableInputStream store;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > length) {
        throw new EOFException("Cannot seek to " + newPos + " in a file of " + length + " bytes: " + file);
      }
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= length) {
        return -1;
      }
      int n;
      if (pos >= tailOffset) {
        n = (int) Math.min(len, length - pos);
        System.arraycopy(tail, (int) (pos - tailOffset), bytes, off, n);
      } else {
        n = atStore().read(bytes, off, (int) Math.min(len, tailOffset - pos));
        if (n < 0) {
          throw new EOFException("File ends at " + pos + ", before its recorded length " + length + ": " + file);
        }
      }
      pos += n;
      return n;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      if (!buf.hasRemaining()) {
        return 0;
      }
      byte[] bytes = new byte[buf.remaining()];
      int n = read(bytes, 0, bytes.length);
      if (n > 0) {
        buf.put(bytes, 0, n);
      }
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      for (int done = 0; done < len; ) {
        int n = read(bytes, start + done, len - done);
        if (n < 0) {
          throw new EOFException("Reached the end of " + file + " with " + (len - done) + " bytes left to read");
        }
        done += n;
      }
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      while (buf.hasRemaining()) {
        if (read(buf) < 0) {
          throw new EOFException("Reached the end of " + file + " with " + buf.remaining() + " bytes left to read");
        }
      }
    }

    /** The stream to the store, opened once and placed at {@code pos}. */
    private SeekableInputStream atStore() throws IOException {
      if (store == null) {
        store = file.newStream();
      }
      if (store.getPos() != pos) {
        store.seek(pos);
      }
      return store;
    }

    @Override
    public void close() throws IOException {
      if (store != null) {
        store.close();
      }
    }
  }
}
