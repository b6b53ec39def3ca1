package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.StorageIOException;
import io.embeddinghub.log.DataFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The checksum of a data file's tail: every byte after its last column chunk, where parquet-mr
 * writes the column and offset indexes, the bloom filters and the footer. Parquet's page checksums
 * cover only page data, and point reads trust these structures to skip row groups and pages: a
 * flipped bit in a bloom filter or a page's min/max would make a present key look absent. So the
 * log records the tail's CRC-32 ({@link DataFile#tail()}) and point reads check it once per file
 * and JVM before trusting it; {@code verify} checks it every time.
 */
public final class FileTail {
  private static final int CHUNK = 1 << 16;
  private static final int REMEMBERED_MAX = 1 << 16;
  /** The largest tail whose bytes are kept after its check. */
  static final int KEPT_TAIL_MAX = 1 << 20;
  /** The bytes of kept tails per hub, most recently used first. */
  static final long KEPT_TAILS_BYTES = 32L << 20;

  private FileTail() {}

  /** The tail of the file just written at {@code path} with this footer and length. */
  static DataFile.Tail of(FileIO io, String path, ParquetMetadata footer, long length) throws IOException {
    long offset = 0;
    for (BlockMetaData block : footer.getBlocks()) {
      for (ColumnChunkMetaData column : block.getColumns()) {
        offset = Math.max(offset, column.getStartingPos() + column.getTotalSize());
      }
    }
    return new DataFile.Tail(offset, crc(io.newInputFile(path, length), offset, length));
  }

  /**
   * Checks the length of {@code file} and, if the log records one, its tail against the log;
   * throws a corrupt-file error naming the file.
   */
  public static void check(FileIO io, DataFile file, String location) {
    checkedTail(io, file, location);
  }

  /**
   * {@link #check}; returns the checked tail's bytes when it is at most {@link #KEPT_TAIL_MAX}
   * bytes (else null, the tail streamed through the checksum).
   */
  private static byte[] checkedTail(FileIO io, DataFile file, String location) {
    DataFile.Tail tail = file.tail();
    if (tail == null) {
      return null;
    }
    ParquetDataFiles.checkLength(io, file, location);
    long tailLength = file.sizeBytes() - tail.offset();
    byte[] bytes = null;
    long crc;
    try {
      InputFile in = io.newInputFile(file.path(), file.sizeBytes());
      if (tailLength >= 0 && tailLength <= KEPT_TAIL_MAX) {
        bytes = readTail(in, tail.offset(), (int) tailLength);
        CRC32 sum = new CRC32();
        sum.update(bytes);
        crc = sum.getValue();
      } else {
        crc = crc(in, tail.offset(), file.sizeBytes());
      }
    } catch (IOException e) {
      if (StorageIOException.isCauseOf(e)) { // the file system failed, not the file
        throw Errors.cannotRead(location, e);
      }
      throw Errors.corrupt(location, "cannot read its footer and indexes (" + e + ")", e);
    }
    if (crc != tail.crc()) {
      throw Errors.corrupt(location, "footer, page index or bloom filter damaged: CRC-32 of bytes " + tail.offset()
          + ".." + file.sizeBytes() + " is " + Long.toHexString(crc) + ", the log records " + Long.toHexString(tail.crc()),
          null);
    }
    return bytes;
  }

  /**
   * Remembers which files' tails were found intact (files never change), for {@link #checkOnce},
   * and keeps the bytes of the most recently used ones, up to {@link #KEPT_TAILS_BYTES} in all, so
   * that a point read is served its footer, page indexes and bloom filters from memory
   * ({@link TailServedFile}) instead of a ranged read of each.
   */
  public static final class Checked {
    private final Set<String> paths = ConcurrentHashMap.newKeySet();
    private final java.util.LinkedHashMap<String, byte[]> kept = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private long keptBytes;

    private synchronized byte[] kept(String id) {
      return kept.get(id);
    }

    private synchronized void keep(String id, byte[] tail) {
      if (tail == null || kept.containsKey(id)) {
        return;
      }
      kept.put(id, tail);
      keptBytes += tail.length;
      var oldest = kept.entrySet().iterator();
      while (keptBytes > KEPT_TAILS_BYTES && oldest.hasNext()) {
        keptBytes -= oldest.next().getValue().length;
        oldest.remove();
      }
    }

    /** Bytes of tails kept (for tests). */
    synchronized long keptBytes() {
      return keptBytes;
    }
  }

  /** {@link #check}, unless {@code checked} says this file's tail was found intact before. */
  public static void checkOnce(FileIO io, DataFile file, Checked checked) {
    checkedTailOnce(io, file, checked);
  }

  /**
   * {@link #checkOnce}, returning the file's checked tail bytes when {@code checked} keeps them
   * (null when the log records no tail, or the tail is too large to keep, or was dropped since).
   */
  static byte[] checkedTailOnce(FileIO io, DataFile file, Checked checked) {
    if (file.tail() == null) {
      return null;
    }
    String id = file.path() + "@" + file.sizeBytes() + "#" + file.tail().crc();
    if (checked.paths.contains(id)) {
      return checked.kept(id);
    }
    byte[] tail = checkedTail(io, file, io.location(file.path()));
    if (checked.paths.size() >= REMEMBERED_MAX) {
      checked.paths.clear();
    }
    checked.paths.add(id);
    checked.keep(id, tail);
    return tail;
  }

  private static byte[] readTail(InputFile file, long from, int length) throws IOException {
    byte[] bytes = new byte[length];
    try (SeekableInputStream in = file.newStream()) {
      in.seek(from);
      in.readFully(bytes);
    } catch (java.io.EOFException e) {
      throw new java.io.EOFException("file ends before its recorded length: " + e.getMessage());
    }
    return bytes;
  }

  private static long crc(InputFile file, long from, long to) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[CHUNK];
    try (SeekableInputStream in = file.newStream()) {
      in.seek(from);
      for (long left = to - from; left > 0; ) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new java.io.EOFException("file ends " + left + " bytes before " + to);
        }
        crc.update(buffer, 0, n);
        left -= n;
      }
    }
    return crc.getValue();
  }
}
