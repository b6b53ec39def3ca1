package io.embeddinghub.format;

import org.apache.parquet.column.ParquetProperties;

/**
 * The writer properties that let {@link ParquetPointReads} open only the parts of a data file
 * that can hold a key, while the file stays plain Parquet any reader reads: a split-block bloom
 * filter on the key column (sized for the file's rows at a 1% false-positive rate), pages of at
 * most {@value #PAGE_ROWS} rows, and the page index (column and offset indexes, which
 * parquet-hadoop writes by default; the tests check they are there).
 */
public final class PointReadLayout {
  /** Rows per page at most: what a point read of one key decodes of each column. */
  public static final int PAGE_ROWS = 256;

  /** False-positive probability of the key column's bloom filter. */
  public static final double BLOOM_FPP = 0.01;

  private PointReadLayout() {}

  /** {@code builder} with the properties above, for a file of {@code rows} distinct keys. */
  public static ParquetProperties.Builder apply(ParquetProperties.Builder builder, int rows) {
    return builder
        .withPageRowCountLimit(PAGE_ROWS)
        .withBloomFilterEnabled(ParquetDataFiles.KEY, true)
        .withBloomFilterNDV(ParquetDataFiles.KEY, Math.max(1, rows))
        .withBloomFilterFPP(ParquetDataFiles.KEY, BLOOM_FPP);
  }
}
