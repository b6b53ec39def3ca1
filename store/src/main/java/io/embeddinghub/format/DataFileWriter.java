package io.embeddinghub.format;

import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one data file row by row, keys strictly ascending in {@link KeyOrder}: memory is one
 * Parquet row group, whatever the file's size. Every data file is written here, so they all share
 * one layout (see docs/FORMAT.md). {@link #finish()} returns the file's log entry; {@link #close()}
 * without it deletes the partial file. Not thread-safe.
 */
public final class DataFileWriter implements Closeable {
  /** Row groups of at most this many bytes: what a streaming reader holds of a file at a time. */
  static final long ROW_GROUP_BYTES = 8L << 20;

  private final FileIO io;
  private final String path;
  private final int bucket;
  private final int dimensions;
  private final ParquetWriter<Row> writer;
  private String firstKey;
  private String lastKey;
  private long rows;
  private boolean finished;

  private DataFileWriter(FileIO io, String path, int bucket, int dimensions, ParquetWriter<Row> writer) {
    this.io = io;
    this.path = path;
    this.bucket = bucket;
    this.dimensions = dimensions;
    this.writer = writer;
  }

  /**
   * Creates the file at {@code path} (relative to the hub root); it must not exist. {@code
   * maxRows} is how many rows it will hold at most, which sizes the key column's bloom filter
   * ({@link PointReadLayout}); when {@code exact} is false the filter is sized at close for the
   * rows written (parquet-hadoop's adaptive bloom filter), up to that bound.
   */
  public static DataFileWriter create(
      FileIO io, Configuration conf, String path, int bucket, int dimensions, long maxRows, boolean exact)
      throws IOException {
    OutputFile out = io.newOutputFile(path);
    int ndv = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxRows));
    Builder builder = PointReadLayout.apply(new Builder(out, dimensions), ndv);
    if (!exact) {
      builder = builder.withAdaptiveBloomFilterEnabled(true);
    }
    ParquetWriter<Row> writer =
        builder
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .build();
    return new DataFileWriter(io, path, bucket, dimensions, writer);
  }

  /** Appends a row: {@code dimensions} floats of {@code data} from {@code offset}. */
  public void add(String key, float[] data, int offset) throws IOException {
    if (lastKey != null && KeyOrder.compare(lastKey, key) >= 0) {
      throw new IllegalArgumentException(
          "Keys of a data file must be strictly ascending: '" + key + "' after '" + lastKey + "' in " + path);
    }
    writer.write(new Row(key, data, offset));
    if (firstKey == null) {
      firstKey = key;
    }
    lastKey = key;
    rows++;
  }

  public long rows() {
    return rows;
  }

  /** Rows written so far times their in-memory size: an estimate of the file's size before encoding. */
  public long estimatedBytes() {
    return writer.getDataSize();
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
    writer.close();
    long length = io.length(path);
    return new DataFile(path, bucket, rows, length, firstKey, lastKey, null,
        FileTail.of(io, path, writer.getFooter(), length));
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

  private record Row(String key, float[] data, int offset) {}

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final int dimensions;

    Builder(OutputFile out, int dimensions) {
      super(out);
      this.dimensions = dimensions;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(dimensions);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final int dimensions;
    private RecordConsumer consumer;

    RowWriteSupport(int dimensions) {
      this.dimensions = dimensions;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      Map<String, String> extra = new HashMap<>();
      extra.put("embeddinghub.dimensions", Integer.toString(dimensions));
      return new WriteContext(ParquetDataFiles.SCHEMA, extra);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Row row) {
      consumer.startMessage();
      consumer.startField(ParquetDataFiles.KEY, 0);
      consumer.addBinary(Binary.fromString(row.key()));
      consumer.endField(ParquetDataFiles.KEY, 0);
      consumer.startField(ParquetDataFiles.EMBEDDING, 1);
      consumer.startGroup();
      consumer.startField("list", 0);
      float[] data = row.data();
      for (int d = 0, i = row.offset(); d < dimensions; d++, i++) {
        consumer.startGroup();
        consumer.startField("element", 0);
        consumer.addFloat(data[i]);
        consumer.endField("element", 0);
        consumer.endGroup();
      }
      consumer.endField("list", 0);
      consumer.endGroup();
      consumer.endField(ParquetDataFiles.EMBEDDING, 1);
      consumer.endMessage();
    }
  }
}
