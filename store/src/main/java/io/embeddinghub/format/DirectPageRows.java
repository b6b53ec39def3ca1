package io.embeddinghub.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.Binary;

/**
 * The rows of wanted keys in a row group's fetched pages, found by reading the pages directly
 * instead of assembling every row of them: a key page's PLAIN values are scanned for the wanted
 * keys, and a found row's floats are copied from its embedding page at the row's offset. That
 * needs the layout this library's writers make, checked page by page: v1 pages, keys PLAIN
 * without dictionary, and embedding pages that begin with exactly the levels
 * {@link VectorPageWriter#levels} encodes for their row count, followed by PLAIN floats. On any
 * other layout it gives up ({@link NotDirect}) and the caller reads the row group the generic way.
 * A lookup's work is then one pass over the key bytes of each page it could not skip.
 */
final class DirectPageRows {
  /** A page that does not have the layout read here. */
  static final class NotDirect extends Exception {
    NotDirect(String why) {
      super(why, null, false, false);
    }
  }

  /** A row found: its row in the row group, its key. */
  record Found(long row, String key) {}

  private final ColumnDescriptor keyColumn;
  private final ColumnDescriptor vectorColumn;
  private final int dimensions;
  private final Map<Integer, byte[]> levelsByRows = new HashMap<>();
  private long rowsDecoded;

  /**
   * @param vectorColumn the embedding column, or null to read keys only
   */
  DirectPageRows(ColumnDescriptor keyColumn, ColumnDescriptor vectorColumn, int dimensions) {
    this.keyColumn = keyColumn;
    this.vectorColumn = vectorColumn;
    this.dimensions = dimensions;
  }

  /** Rows of key pages scanned so far. */
  long rowsDecoded() {
    return rowsDecoded;
  }

  /**
   * The wanted keys' rows in {@code pages}, in row order, each with its floats in {@code vectors}
   * (same order; untouched when reading keys only).
   */
  List<Found> read(PageReadStore pages, Set<Binary> wanted, List<float[]> vectors) throws IOException, NotDirect {
    boolean filtered = pages.getRowIndexes().isPresent();
    PageReader keys = pages.getPageReader(keyColumn);
    if (keys.readDictionaryPage() != null) {
      throw new NotDirect("the key column has a dictionary");
    }
    List<Found> found = new ArrayList<>();
    long next = 0;
    long scanned = 0;
    for (DataPage page = keys.readPage(); page != null; page = keys.readPage()) {
      DataPageV1 v1 = v1(page, "key");
      if (v1.getValueEncoding() != Encoding.PLAIN) {
        throw new NotDirect("a key page is " + v1.getValueEncoding());
      }
      long first = firstRow(page, next, filtered);
      int rows = page.getValueCount();
      byte[] data = v1.getBytes().toByteArray();
      int at = 0;
      for (int i = 0; i < rows; i++) {
        int length = (int) INTS.get(data, at);
        at += 4;
        if (length < 0 || at + length > data.length) {
          throw new NotDirect("a key page's value " + i + " overruns the page");
        }
        Binary key = Binary.fromConstantByteArray(data, at, length);
        if (wanted.contains(key)) {
          found.add(new Found(first + i, key.toStringUsingUTF8()));
        }
        at += length;
      }
      scanned += rows;
      next = first + rows;
    }
    rowsDecoded += scanned;
    if (vectorColumn != null && !found.isEmpty()) {
      readVectors(pages.getPageReader(vectorColumn), filtered, found, vectors);
    }
    return found;
  }

  /** The floats of each found row (found in row order), from the embedding pages holding them. */
  private void readVectors(PageReader pages, boolean filtered, List<Found> found, List<float[]> vectors)
      throws IOException, NotDirect {
    if (pages.readDictionaryPage() != null) {
      throw new NotDirect("the embedding column has a dictionary");
    }
    int f = 0;
    long next = 0;
    for (DataPage page = pages.readPage(); page != null && f < found.size(); page = pages.readPage()) {
      DataPageV1 v1 = v1(page, "embedding");
      int values = page.getValueCount();
      if (values % dimensions != 0 || v1.getValueEncoding() != Encoding.PLAIN) {
        throw new NotDirect("an embedding page holds " + values + " " + v1.getValueEncoding() + " values");
      }
      int rows = values / dimensions;
      long first = firstRow(page, next, filtered);
      next = first + rows;
      if (found.get(f).row() >= next) {
        continue;
      }
      byte[] data = v1.getBytes().toByteArray();
      byte[] levels = levelsByRows.computeIfAbsent(rows, r -> VectorPageWriter.levels(r, dimensions));
      if (data.length != levels.length + values * Float.BYTES
          || !Arrays.equals(data, 0, levels.length, levels, 0, levels.length)) {
        throw new NotDirect("an embedding page's levels are not those of " + rows + " whole rows");
      }
      for (; f < found.size() && found.get(f).row() < next; f++) {
        long row = found.get(f).row();
        if (row < first) {
          throw new NotDirect("row " + row + " precedes the embedding page that should hold it");
        }
        float[] vector = new float[dimensions];
        int at = levels.length + (int) (row - first) * dimensions * Float.BYTES;
        ByteBuffer.wrap(data, at, dimensions * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        vectors.add(vector);
      }
    }
    if (f < found.size()) {
      throw new NotDirect("row " + found.get(f).row() + " is in no embedding page read");
    }
  }

  /**
   * The row (in the row group) of a page's first row: from the page index, or counted from the
   * pages before it when the whole row group was read.
   */
  private static long firstRow(DataPage page, long next, boolean filtered) throws NotDirect {
    if (page.getFirstRowIndex().isPresent()) {
      return page.getFirstRowIndex().get();
    }
    if (filtered) {
      throw new NotDirect("a page of a filtered row group has no first row index");
    }
    return next;
  }

  private static DataPageV1 v1(DataPage page, String column) throws NotDirect {
    if (page instanceof DataPageV1 v1) {
      return v1;
    }
    throw new NotDirect("a " + column + " page is not a v1 data page");
  }

  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
}
