package io.embeddinghub.io;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.io.ParquetFileRange;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A file system's input stream whose I/O failures are {@link StorageIOException}s, so that a read
 * the file system failed (a lost connection mid-file) is not taken for a corrupt file. Reading past
 * the end stays an {@link EOFException}: the length was checked against the log, so that is the
 * content's fault.
 */
final class StorageInputStream extends SeekableInputStream {
  private final SeekableInputStream in;
  private final String location;

  StorageInputStream(SeekableInputStream in, String location) {
    this.in = in;
    this.location = location;
  }

  private IOException failure(IOException e) {
    if (e instanceof EOFException || e instanceof FileNotFoundException || e instanceof StorageIOException) {
      return e;
    }
    return new StorageIOException("Cannot read " + location + ": " + e.getMessage(), e);
  }

  @Override
  public long getPos() throws IOException {
    try {
      return in.getPos();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void seek(long newPos) throws IOException {
    try {
      in.seek(newPos);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void readFully(byte[] bytes) throws IOException {
    try {
      in.readFully(bytes);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void readFully(byte[] bytes, int start, int len) throws IOException {
    try {
      in.readFully(bytes, start, len);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public int read(ByteBuffer buf) throws IOException {
    try {
      return in.read(buf);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void readFully(ByteBuffer buf) throws IOException {
    try {
      in.readFully(buf);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Vectored reads fail through each range's future: those failures are converted too. */
  @Override
  public void readVectored(List<ParquetFileRange> ranges, ByteBufferAllocator allocator) throws IOException {
    try {
      in.readVectored(ranges, allocator);
    } catch (IOException e) {
      throw failure(e);
    }
    for (ParquetFileRange range : ranges) {
      CompletableFuture<ByteBuffer> read = range.getDataReadFuture();
      if (read == null) {
        continue;
      }
      CompletableFuture<ByteBuffer> converted = new CompletableFuture<>();
      read.whenComplete((buffer, error) -> {
        if (error == null) {
          converted.complete(buffer);
          return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        converted.completeExceptionally(cause instanceof IOException io ? failure(io) : cause);
      });
      range.setDataReadFuture(converted);
    }
  }

  @Override
  public boolean readVectoredAvailable(ByteBufferAllocator allocator) {
    return in.readVectoredAvailable(allocator);
  }

  @Override
  public int read() throws IOException {
    try {
      return in.read();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return in.skip(n);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public int available() throws IOException {
    try {
      return in.available();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
