package io.embeddinghub.table;

import io.embeddinghub.io.LocalSpool;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The rows a split build routed to one partition, gathered from a stream in any order into the
 * flat arrays {@link IndexBuilder#buildRoutedPartition} takes, sorted by (tail file, position),
 * without holding each row twice. The count is unknown until the stream ends, so the rows go
 * to a spool file on local disk first (a few bytes more than their vectors) while only their
 * sort keys stay in memory; then the arrays are allocated at their exact size and each row is
 * read back straight into its sorted slot. At no moment are the rows both objects and flat
 * arrays, and no array is grown by copying, so a partition's reduce holds what its build holds
 * ({@link io.embeddinghub.index.BuildMemory}) and not a list of row objects beside it.
 *
 * <p>The spool file is a {@link LocalSpool}: nothing is left on disk once it is closed or the JVM
 * ends, however it ends. Not thread-safe.
 */
public final class RoutedRows implements Closeable {
  private final int dims;
  private final FileChannel spool;
  private DataOutputStream out;
  private long[] sortKeys = new long[1024];
  private int count;

  /** The rows gathered, sorted by (tail file, position). */
  public record Sorted(int[] tailFile, int[] positions, String[] keys, float[] vectors) {
    /** {@return the number of rows} */
    public int count() {
      return keys.length;
    }
  }

  /**
   * Starts a gathering of rows of {@code dims} dimensions, spooled in {@code directory} (null:
   * {@code java.io.tmpdir}).
   *
   * @throws UncheckedIOException if the spool file cannot be created
   */
  public RoutedRows(int dims, Path directory) {
    this.dims = dims;
    try {
      this.spool = LocalSpool.open(directory, "eh-routed-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a spool file for routed rows in "
          + (directory == null ? System.getProperty("java.io.tmpdir") : directory), e);
    }
    this.out = new DataOutputStream(new BufferedOutputStream(unclosable(Channels.newOutputStream(spool)), 1 << 16));
  }

  /** A stream whose close only flushes: closing the channel is {@link #close}'s job. */
  private static OutputStream unclosable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  /**
   * Adds one row (its vector is copied out; the caller may reuse it).
   *
   * @throws IllegalArgumentException if the vector does not have {@code dims} values, or the
   *     row's (tail file, position) was added before
   */
  public void add(int tailFile, int position, String key, float[] vector) {
    if (vector.length != dims) {
      throw new IllegalArgumentException("A routed row of " + vector.length + " dimensions, expected " + dims);
    }
    if (tailFile < 0 || position < 0) {
      throw new IllegalArgumentException("A routed row at tail file " + tailFile + ", position " + position);
    }
    if (count == sortKeys.length) {
      sortKeys = Arrays.copyOf(sortKeys, Math.max(1024, count + (count >> 1)));
    }
    sortKeys[count++] = sortKey(tailFile, position);
    try {
      out.writeInt(tailFile);
      out.writeInt(position);
      byte[] utf8 = key.getBytes(java.nio.charset.StandardCharsets.UTF_8); // any length (writeUTF stops at 64 KiB)
      out.writeInt(utf8.length);
      out.write(utf8);
      for (float v : vector) {
        out.writeFloat(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot spool a routed row to local disk", e);
    }
  }

  /**
   * The rows added, sorted by (tail file, position); call once.
   *
   * @throws UncheckedIOException if the spool file cannot be read back
   */
  public Sorted sorted() {
    try {
      out.close();
      out = null;
      long[] order = Arrays.copyOf(sortKeys, count);
      sortKeys = null;
      Arrays.sort(order);
      for (int i = 1; i < count; i++) {
        if (order[i] == order[i - 1]) {
          throw new IllegalArgumentException("A routed row came twice: tail file " + (order[i] >>> 32)
              + ", position " + (int) order[i]);
        }
      }
      int[] tailFile = new int[count];
      int[] positions = new int[count];
      String[] keys = new String[count];
      float[] vectors = new float[Math.multiplyExact(count, dims)];
      spool.position(0);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(spool), 1 << 16))) {
        for (int r = 0; r < count; r++) {
          int file = in.readInt();
          int position = in.readInt();
          int slot = Arrays.binarySearch(order, sortKey(file, position));
          tailFile[slot] = file;
          positions[slot] = position;
          byte[] utf8 = new byte[in.readInt()];
          in.readFully(utf8);
          keys[slot] = new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
          int base = slot * dims;
          for (int d = 0; d < dims; d++) {
            vectors[base + d] = in.readFloat();
          }
        }
      }
      return new Sorted(tailFile, positions, keys, vectors);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read routed rows back from their spool file", e);
    } finally {
      close();
    }
  }

  private static long sortKey(int tailFile, int position) {
    return ((long) tailFile << 32) | (position & 0xFFFFFFFFL);
  }

  /** Closes (and so deletes) the spool file; idempotent. */
  @Override
  public void close() {
    out = null; // what it holds is not wanted any more: nothing to flush
    try {
      spool.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the spool file of routed rows", e);
    }
  }
}
