package io.embeddinghub.format;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.DirectByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;

/**
 * Writes the data-file schema's two columns without a record-assembly layer: the key through
 * parquet-column's column writer, the vectors as whole pages ({@link VectorPageWriter}), both into
 * the page store and file writer that {@code ParquetWriter} uses, so pages, statistics, the page
 * index and the key's bloom filter are the ones it writes.
 *
 * <p>{@code ParquetWriter}'s per-field bookkeeping (start and end of every list element's group
 * and field) and parquet-column's per-value level encoding cost several times the encoding itself
 * for a list of floats. Row groups close at {@code rowGroupBytes} of buffered pages, checked as
 * {@code InternalParquetRecordWriter} checks them.
 *
 * <p>The key column is SNAPPY-compressed; the embedding column is stored uncompressed, so that a
 * row's floats lie at a computable offset of the file ({@link VectorLocations}), where an index
 * re-ranks its candidates from. Float32 embeddings rarely compress.
 *
 * <p>The key column's bloom filter is made here, not by parquet-column: the key hashes of a row
 * group are kept (8 bytes a row) and, when it closes, go into a filter sized for its row count
 * ({@link PointReadLayout#bloomFilter}), so a filter is as large as the rows written need whatever
 * the writer was told to expect (parquet-hadoop sizes it up front from a configured NDV, and
 * ignores its adaptive sizing once an NDV is set). Keys of a data file are distinct, so the row
 * count is the distinct count.
 */
final class ColumnFileWriter implements Closeable {
  /** Rows between two checks of the buffered size (the first check comes after this many rows). */
  private static final int SIZE_CHECK_ROWS = 128;

  private final ParquetProperties properties;
  private final CodecFactory codecs;
  private final CodecFactory.BytesCompressor keyCompressor;
  private final CodecFactory.BytesCompressor vectorCompressor;
  private final ParquetFileWriter file;
  /** The stream {@link #file} writes to, closed without a footer by {@link #close()}. */
  private final StreamTrackingOutputFile output;
  private final ColumnDescriptor keyColumn;
  private final ColumnDescriptor elementColumn;
  private final VectorPageWriter vectors;
  private final long rowGroupBytes;
  /** Hashes keys as the key bloom filter does (xxHash64 of the bytes); holds no keys. */
  private final BlockSplitBloomFilter hasher = new BlockSplitBloomFilter(0);
  private long[] keyHashes = new long[1024];
  /** The key column's pages (SNAPPY). */
  private ColumnChunkPageWriteStore pages;
  /** The embedding column's pages (uncompressed: {@link VectorLocations}). */
  private ColumnChunkPageWriteStore vectorPages;
  private ColumnWriteStore columns;
  private ColumnWriter keys;
  private long rowGroupRows;
  private long rowsUntilSizeCheck = SIZE_CHECK_ROWS;
  private boolean ended;
  private boolean released;

  ColumnFileWriter(OutputFile out, Configuration conf, ParquetProperties properties, int dimensions,
      long rowGroupBytes) throws IOException {
    this.properties = properties;
    this.rowGroupBytes = rowGroupBytes;
    this.keyColumn = ParquetDataFiles.SCHEMA.getColumns().get(0);
    this.elementColumn = ParquetDataFiles.SCHEMA.getColumns().get(1);
    int rowsPerPage = (int) Math.max(1, Math.min(properties.getPageRowCountLimit(),
        properties.getPageSizeThreshold() / ((long) dimensions * Float.BYTES)));
    this.vectors = new VectorPageWriter(elementColumn, dimensions, rowsPerPage);
    this.codecs = CodecFactory.createDirectCodecFactory(
        conf, new DirectByteBufferAllocator(), properties.getPageSizeThreshold());
    this.keyCompressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
    this.vectorCompressor = codecs.getCompressor(CompressionCodecName.UNCOMPRESSED);
    this.output = new StreamTrackingOutputFile(out);
    ParquetFileWriter created = null;
    try {
      created = new ParquetFileWriter(output, ParquetDataFiles.SCHEMA, ParquetFileWriter.Mode.CREATE,
          rowGroupBytes, ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, properties);
      created.start();
    } catch (IOException | RuntimeException e) {
      codecs.release();
      throw e;
    }
    this.file = created;
    startRowGroup();
  }

  /** Appends one row: the key, then {@code dimensions} floats of {@code data} from {@code offset}. */
  void write(Binary key, float[] data, int offset) throws IOException {
    keys.write(key, 0, 0);
    if (rowGroupRows == keyHashes.length) {
      keyHashes = java.util.Arrays.copyOf(keyHashes, Math.multiplyExact(keyHashes.length, 2));
    }
    keyHashes[(int) rowGroupRows] = hasher.hash(key);
    vectors.add(data, offset);
    columns.endRecord();
    rowGroupRows++;
    if (--rowsUntilSizeCheck == 0) {
      checkRowGroupSize();
    }
  }

  /** Writes the last row group and the footer with {@code metadata}; the writer is then closed. */
  ParquetMetadata finish(Map<String, String> metadata) throws IOException {
    try {
      flushRowGroup();
      file.end(metadata);
      ended = true;
      return file.getFooter();
    } finally {
      release();
    }
  }

  /** Closes without a footer: what is on disk is not a readable file and is to be deleted. */
  @Override
  public void close() throws IOException {
    try {
      if (!ended) {
        ended = true;
        // ParquetFileWriter.abort() closes its stream without a footer; it exists from
        // parquet-hadoop 1.17 on, so the stream is closed here (same effect on 1.15 and 1.16).
        output.closeStream();
      }
    } finally {
      release();
    }
  }

  private void checkRowGroupSize() throws IOException {
    long buffered = columns.getBufferedSize() + vectorPages.getPageWriter(elementColumn).getMemSize()
        + vectors.bufferedBytes();
    long rowBytes = Math.max(1, buffered / rowGroupRows);
    if (buffered > rowGroupBytes - 2 * rowBytes) {
      flushRowGroup();
      startRowGroup();
      rowsUntilSizeCheck = SIZE_CHECK_ROWS;
    } else {
      // Half-way to the projected end of the row group, at most a page-size check's distance.
      long projected = (rowGroupBytes - buffered) / rowBytes;
      rowsUntilSizeCheck = Math.max(1, Math.min(projected / 2, properties.getMaxRowCountForPageSizeCheck()));
    }
  }

  private void startRowGroup() {
    // One page store a column, each with its codec: both flush into the same row group, the key
    // chunk first, in the schema's column order.
    pages = new ColumnChunkPageWriteStore(keyCompressor, ParquetDataFiles.KEYS_ONLY, properties.getAllocator(),
        properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
    vectorPages = new ColumnChunkPageWriteStore(vectorCompressor, ParquetDataFiles.EMBEDDING_ONLY,
        properties.getAllocator(), properties.getColumnIndexTruncateLength(),
        properties.getPageWriteChecksumEnabled());
    // The key column goes through parquet-column's writer (its bloom filter is made at flush);
    // the vectors' pages are made here.
    columns = properties.newColumnWriteStore(ParquetDataFiles.KEYS_ONLY, pages);
    keys = columns.getColumnWriter(keyColumn);
    vectors.startRowGroup(vectorPages.getPageWriter(elementColumn));
    rowGroupRows = 0;
  }

  private void flushRowGroup() throws IOException {
    if (rowGroupRows > 0) {
      vectors.finishRowGroup();
      BlockSplitBloomFilter bloom = PointReadLayout.bloomFilter(rowGroupRows);
      for (int i = 0; i < rowGroupRows; i++) {
        bloom.insertHash(keyHashes[i]);
      }
      file.startBlock(rowGroupRows);
      columns.flush();
      pages.getBloomFilterWriter(keyColumn).writeBloomFilter(bloom);
      pages.flushToFileWriter(file);
      vectorPages.flushToFileWriter(file);
      file.endBlock();
    }
    columns.close();
    pages.close();
    vectorPages.close();
  }

  private void release() {
    if (!released) {
      released = true;
      codecs.release();
    }
  }

  /** Delegates to an output file and remembers the stream it creates. */
  private static final class StreamTrackingOutputFile implements OutputFile {
    private final OutputFile delegate;
    private PositionOutputStream stream;

    StreamTrackingOutputFile(OutputFile delegate) {
      this.delegate = delegate;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      stream = delegate.create(blockSizeHint);
      return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      stream = delegate.createOrOverwrite(blockSizeHint);
      return stream;
    }

    @Override
    public boolean supportsBlockSize() {
      return delegate.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
      return delegate.defaultBlockSize();
    }

    @Override
    public String getPath() {
      return delegate.getPath();
    }

    void closeStream() throws IOException {
      if (stream != null) {
        stream.close();
      }
    }
  }
}
