package io.embeddinghub.format;

import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;

/**
 * Writes one data file row by row, keys strictly ascending in {@link KeyOrder}: memory is one
 * Parquet row group, whatever the file's size. Every data file is written here, so they all share
 * one layout (see docs/FORMAT.md). {@link #finish()} returns the file's log entry; {@link #close()}
 * without it deletes the partial file. Not thread-safe.
 */
public final class DataFileWriter implements Closeable {
  /** Row groups of at most this many bytes: what a streaming reader holds of a file at a time. */
  static final long ROW_GROUP_BYTES = 8L << 20;

  /** The footer metadata entry that records the vector length. */
  static final String DIMENSIONS_KEY = "embeddinghub.dimensions";

  private final FileIO io;
  private final String path;
  private final int bucket;
  private final int dimensions;
  private final ColumnFileWriter writer;
  private String firstKey;
  private String lastKey;
  private long rows;
  private boolean finished;

  private DataFileWriter(FileIO io, String path, int bucket, int dimensions, ColumnFileWriter writer) {
    this.io = io;
    this.path = path;
    this.bucket = bucket;
    this.dimensions = dimensions;
    this.writer = writer;
  }

  /**
   * Creates the file at {@code path} (relative to the hub root); it must not exist. Every data
   * file is created here, by every writer (embedded writes, Spark tasks, compaction), with the one
   * layout of {@link PointReadLayout}: nothing about a file depends on how many rows its writer
   * expected (each row group's key bloom filter is sized for the rows it holds).
   */
  public static DataFileWriter create(FileIO io, Configuration conf, String path, int bucket, int dimensions)
      throws IOException {
    ParquetProperties properties = PointReadLayout.apply(ParquetProperties.builder())
        .withDictionaryEncoding(false)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build();
    ColumnFileWriter writer = new ColumnFileWriter(io.newOutputFile(path), conf, properties, dimensions, ROW_GROUP_BYTES);
    return new DataFileWriter(io, path, bucket, dimensions, writer);
  }

  /** Appends a row: {@code dimensions} floats of {@code data} from {@code offset}. */
  public void add(String key, float[] data, int offset) throws IOException {
    if (lastKey != null && KeyOrder.compare(lastKey, key) >= 0) {
      throw new IllegalArgumentException(
          "Keys of a data file must be strictly ascending: '" + key + "' after '" + lastKey + "' in " + path);
    }
    writer.write(Binary.fromString(key), data, offset);
    if (firstKey == null) {
      firstKey = key;
    }
    lastKey = key;
    rows++;
  }

  public long rows() {
    return rows;
  }

  public String path() {
    return path;
  }

  /** Closes the file and returns its log entry; it needs at least one row. */
  public DataFile finish() throws IOException {
    if (rows == 0) {
      throw new IllegalStateException("A data file needs at least one row: " + path);
    }
    finished = true;
    ParquetMetadata footer = writer.finish(Map.of(DIMENSIONS_KEY, Integer.toString(dimensions)));
    long length = io.length(path);
    return new DataFile(path, bucket, rows, length, firstKey, lastKey, null, FileTail.of(io, path, footer, length));
  }

  /** Unless finished, closes and deletes the partial file (best effort: it is invisible anyway). */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      // deleted below
    }
    try {
      io.delete(path);
    } catch (IOException | RuntimeException e) {
      // an uncommitted file: vacuum removes it
    }
  }
}
