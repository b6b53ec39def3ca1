package io.embeddinghub.format;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;

/**
 * The layout that lets {@link ParquetPointReads} open only the parts of a data file that can hold
 * a key, while the file stays plain Parquet any reader reads: a split-block bloom filter on the key
 * column in every row group, sized for the rows that row group actually holds at a 1%
 * false-positive rate ({@link #bloomFilter}), pages of at most {@value #PAGE_ROWS} rows, and
 * the page index (column and offset indexes, which parquet-hadoop writes by default; the tests
 * check they are there). {@link ColumnFileWriter} writes the bloom filters itself when it closes a
 * row group, so every writer of data files (embedded bulk loads, Spark tasks, compaction) produces
 * the same filters for the same rows, whatever it expected to write.
 */
public final class PointReadLayout {
  /** Rows per page at most: what a point read of one key decodes of each column. */
  public static final int PAGE_ROWS = 256;

  /** False-positive probability of the key column's bloom filter. */
  public static final double BLOOM_FPP = 0.01;

  /** Bytes of a row group's key bloom filter at most (parquet-hadoop's default bound). */
  public static final int BLOOM_MAX_BYTES = ParquetProperties.DEFAULT_MAX_BLOOM_FILTER_BYTES;

  private PointReadLayout() {}

  /** {@code builder} with the page properties above; the bloom filters are written apart. */
  public static ParquetProperties.Builder apply(ParquetProperties.Builder builder) {
    return builder.withPageRowCountLimit(PAGE_ROWS).withBloomFilterEnabled(false);
  }

  /**
   * An empty key bloom filter for a row group of {@code rows} distinct keys: the one parquet-hadoop
   * writes for {@code withBloomFilterNDV(rows)} at {@link #BLOOM_FPP} (the optimal bit count,
   * rounded up to a power of two, between 32 bytes and {@link #BLOOM_MAX_BYTES}).
   */
  static BlockSplitBloomFilter bloomFilter(long rows) {
    return new BlockSplitBloomFilter(
        BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, rows), BLOOM_FPP) / 8, BLOOM_MAX_BYTES);
  }
}
