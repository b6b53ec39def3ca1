package io.embeddinghub.format;

import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;

/**
 * Encodes the embedding column ({@code embedding.list.element}: a required list of required
 * floats) into Parquet v1 data pages of whole rows, handed to a page store's {@link PageWriter}.
 *
 * <p>Every row has the same number of floats, so a page's repetition levels (0 for a row's first
 * float, 1 for the others) and definition levels (all 1) depend only on its row count: they are
 * encoded once per row count and reused. The floats are copied into the page as PLAIN
 * little-endian values, and the page's min/max statistics are kept as they arrive. The pages are
 * what parquet-column's generic column writer makes for this column, without its per-value
 * level encoding and virtual calls, which dominated the cost of writing vectors.
 */
final class VectorPageWriter {
  private final ColumnDescriptor column;
  private final int dimensions;
  private final int rowsPerPage;
  private final byte[] values;
  private PageWriter pages;
  private int rows;
  private float min;
  private float max;
  private int levelsRows = -1;
  private BytesInput levels;

  /**
   * @param rowsPerPage rows in every page but a row group's last
   */
  VectorPageWriter(ColumnDescriptor column, int dimensions, int rowsPerPage) {
    this.column = column;
    this.dimensions = dimensions;
    this.rowsPerPage = rowsPerPage;
    this.values = new byte[Math.multiplyExact(rowsPerPage, dimensions * Float.BYTES)];
  }

  /** Pages go to {@code pages} from now on (a row group's page writer for this column). */
  void startRowGroup(PageWriter pages) {
    this.pages = pages;
    this.rows = 0;
  }

  /** Adds one row: {@code dimensions} floats of {@code data} from {@code offset}. */
  void add(float[] data, int offset) throws IOException {
    if (rows == 0) {
      min = Float.POSITIVE_INFINITY;
      max = Float.NEGATIVE_INFINITY;
    }
    int at = rows * dimensions * Float.BYTES;
    for (int i = offset, end = offset + dimensions; i < end; i++, at += Float.BYTES) {
      float v = data[i];
      min = Math.min(min, v);
      max = Math.max(max, v);
      FLOATS.set(values, at, v);
    }
    if (++rows == rowsPerPage) {
      writePage();
    }
  }

  /** Bytes of the open page not yet handed to the page writer. */
  long bufferedBytes() {
    return (long) rows * dimensions * Float.BYTES;
  }

  /** Writes the open page, if it has rows: call before the row group is flushed. */
  void finishRowGroup() throws IOException {
    if (rows > 0) {
      writePage();
    }
  }

  private void writePage() throws IOException {
    @SuppressWarnings("unchecked")
    Statistics<Float> stats = (Statistics<Float>) Statistics.createStats(column.getPrimitiveType());
    stats.updateStats(min);
    stats.updateStats(max);
    int valueCount = rows * dimensions;
    pages.writePage(
        BytesInput.concat(levelsFor(rows), BytesInput.from(values, 0, valueCount * Float.BYTES)),
        valueCount, rows, stats, Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    rows = 0;
  }

  /** The repetition then definition levels of a page of {@code pageRows} rows, length-prefixed. */
  private BytesInput levelsFor(int pageRows) {
    if (pageRows != levelsRows) {
      levels = BytesInput.from(levels(pageRows, dimensions));
      levelsRows = pageRows;
    }
    return levels;
  }

  /**
   * The levels that open a v1 data page of {@code pageRows} rows of {@code dimensions} floats: the
   * repetition levels, then the definition levels, each RLE/bit-packed and prefixed with its
   * length (4 bytes, little-endian). What this writer puts before every page's floats; a reader
   * that finds exactly these bytes knows where each row's floats start.
   */
  static byte[] levels(int pageRows, int dimensions) {
    byte[] repetition = encode(pageRows, dimensions, true);
    byte[] definition = encode(pageRows, dimensions, false);
    byte[] out = new byte[8 + repetition.length + definition.length];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(repetition.length).put(repetition).putInt(definition.length).put(definition);
    return out;
  }

  private static byte[] encode(int pageRows, int dimensions, boolean repetition) {
    try (RunLengthBitPackingHybridEncoder encoder =
        new RunLengthBitPackingHybridEncoder(1, 64, 1 << 20, HeapByteBufferAllocator.getInstance())) {
      for (int r = 0; r < pageRows; r++) {
        for (int d = 0; d < dimensions; d++) {
          encoder.writeInt(repetition && d == 0 ? 0 : 1);
        }
      }
      return encoder.toBytes().toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // in-memory encoding: not expected
    }
  }

  private static final java.lang.invoke.VarHandle FLOATS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
