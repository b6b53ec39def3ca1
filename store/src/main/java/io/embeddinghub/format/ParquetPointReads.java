package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.filter2.predicate.Operators;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.BoundaryOrder;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.ColumnIndexStore;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Reads the rows of a few keys from one data file without reading the file whole: row groups are
 * dropped by their key statistics and the key column's bloom filter (parquet-hadoop, given the
 * predicate {@code key = k1 OR key = k2 ...}); inside a kept row group, the key column's page index
 * gives the pages whose min/max hold one of the keys ({@link #pagesOfKeys}: a binary search per
 * key), and only those pages, with the pages of the embedding column covering the same rows (by the
 * offset index), are fetched and decoded. Keys are unique and sorted in a data file, so a key's row
 * lies in at most one page: a lookup decodes at most one page per key and file, whoever wrote it.
 * The rows of the kept pages are matched here against a hash set of the keys. Each found row comes
 * with its row position in the file (deletion vectors are by position). Files written before
 * {@link PointReadLayout} (no bloom filter, no page index, larger pages) are read correctly, only
 * with less skipping. Stateless and thread-safe.
 */
public final class ParquetPointReads {
  private static final MessageType KEYS_ONLY =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .named(ParquetDataFiles.KEY)
          .named("spark_schema");

  private ParquetPointReads() {}

  /** A row found: its position in the file, its key and (unless only keys were read) its embedding. */
  public record Hit(int position, String key, float[] vector) {}

  /**
   * The rows found, in file order, and how many rows the reader decoded to find them (the rows of
   * the pages it could not skip): a measure of the work done.
   */
  public record Result(List<Hit> hits, long rowsDecoded) {
    public Result {
      hits = List.copyOf(hits);
    }
  }

  /**
   * The rows of {@code file} whose key is in {@code keys} (absent keys are left out).
   *
   * @param withVectors read the embeddings too; otherwise only the key column is read
   */
  public static Result read(
      FileIO io, Configuration conf, DataFile file, int dimensions, Collection<String> keys, boolean withVectors) {
    String location = io.location(file.path());
    if (keys.isEmpty()) {
      return new Result(List.of(), 0);
    }
    ParquetDataFiles.checkLength(io, file, location);
    Set<String> distinct = new HashSet<>(keys);
    List<byte[]> sorted = sortedUtf8(distinct);
    Collector collector = new Collector(withVectors ? dimensions : 0, distinct);
    MessageType requested = withVectors ? ParquetDataFiles.SCHEMA : KEYS_ONLY;
    List<Hit> hits = new ArrayList<>();
    // the predicate only drops row groups here (statistics, bloom filter); pages are chosen below
    ParquetReadOptions options = HadoopReadOptions.builder(conf)
        .withRecordFilter(FilterCompat.get(keyPredicate(distinct)))
        .useStatsFilter(true)
        .useDictionaryFilter(false)
        .useBloomFilter(true)
        .useColumnIndexFilter(true)
        .useRecordFilter(false)
        .build();
    try (ParquetFileReader reader = ParquetFileReader.open(io.newInputFile(file.path()), options)) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      ParquetDataFiles.checkSchema(fileSchema, withVectors);
      reader.setRequestedSchema(requested);
      MessageColumnIO columnIO = new ColumnIOFactory(reader.getFooter().getFileMetaData().getCreatedBy())
          .getColumnIO(requested, fileSchema, true);
      List<BlockMetaData> blocks = reader.getRowGroups();
      for (int b = 0; b < blocks.size(); b++) {
        BlockMetaData block = blocks.get(b);
        RowRanges ranges = pagesOfKeys(reader.getColumnIndexStore(b), block, sorted);
        if (ranges.rowCount() == 0) {
          continue;
        }
        // the kept pages of the key column, and the embedding column's pages covering the same rows
        PageReadStore pages = reader.readFilteredRowGroup(b, ranges);
        if (pages == null) {
          continue;
        }
        long offset = block.getRowIndexOffset();
        PrimitiveIterator.OfLong rowIndexes = pages.getRowIndexes().orElse(null);
        RecordReader<Hit> records = columnIO.getRecordReader(pages, collector, FilterCompat.NOOP);
        long count = pages.getRowCount();
        for (long i = 0; i < count; i++) {
          Hit hit = records.read();
          long position = offset + (rowIndexes == null ? i : rowIndexes.nextLong());
          if (hit == null || hit == Collector.OTHER_KEY) {
            continue;
          }
          if (position < 0 || position >= file.rows()) {
            throw new CorruptRowException("row of key '" + hit.key() + "' has position " + position
                + ", the log records " + file.rows() + " rows");
          }
          hits.add(new Hit((int) position, hit.key(), hit.vector()));
        }
      }
    } catch (CorruptRowException e) {
      throw Errors.corrupt(location, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw ParquetDataFiles.unreadable(location, e);
    }
    return new Result(hits, collector.rowsDecoded);
  }

  /** The keys as UTF-8 bytes in key order (= unsigned byte order, Parquet's order of strings). */
  private static List<byte[]> sortedUtf8(Set<String> keys) {
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(KeyOrder.COMPARATOR);
    List<byte[]> out = new ArrayList<>(sorted.size());
    for (String key : sorted) {
      out.add(key.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * The rows of the key column's pages whose min/max hold one of {@code sorted} keys; every row of
   * the row group when the file has no page index. parquet-hadoop's own column-index filter does
   * the same for an {@code OR} of equalities but converts every page's min value of the row group
   * once per key (a key's check calls {@code getMinValues()}): keys × pages buffers; here the
   * bounds are taken once and each key binary-searched in them (the pages of a sorted file are in
   * ascending key order).
   */
  static RowRanges pagesOfKeys(ColumnIndexStore store, BlockMetaData block, List<byte[]> sorted) {
    long rows = block.getRowCount();
    ColumnPath keyPath = ColumnPath.get(ParquetDataFiles.KEY);
    ColumnIndex index = store.getColumnIndex(keyPath);
    OffsetIndex offsets = store.getOffsetIndex(keyPath);
    if (index == null || offsets == null) {
      return RowRanges.createSingle(rows);
    }
    List<ByteBuffer> mins = index.getMinValues();
    List<ByteBuffer> maxes = index.getMaxValues();
    List<Boolean> nullPages = index.getNullPages();
    int pageCount = offsets.getPageCount();
    if (mins.size() != pageCount || maxes.size() != pageCount) {
      return RowRanges.createSingle(rows);
    }
    boolean ascending = index.getBoundaryOrder() == BoundaryOrder.ASCENDING;
    java.util.BitSet kept = new java.util.BitSet(pageCount);
    for (byte[] key : sorted) {
      if (ascending) {
        // pages whose max >= key start at lo; those whose min <= key end before hi; keep lo..hi-1
        int lo = firstPage(maxes, nullPages, key, false);
        int hi = firstPage(mins, nullPages, key, true);
        for (int p = lo; p < hi; p++) {
          if (!nullPages.get(p)) {
            kept.set(p);
          }
        }
      } else {
        for (int p = 0; p < pageCount; p++) {
          if (!nullPages.get(p) && compare(mins.get(p), key) <= 0 && compare(maxes.get(p), key) >= 0) {
            kept.set(p);
          }
        }
      }
    }
    return RowRanges.create(rows, kept.stream().iterator(), offsets);
  }

  /**
   * In ascending bounds, the first page whose bound is {@code > key} (when {@code strictlyAbove})
   * or {@code >= key}; null pages (no bound) take the bound of no page and are skipped by the
   * caller.
   */
  private static int firstPage(List<ByteBuffer> bounds, List<Boolean> nullPages, byte[] key, boolean strictlyAbove) {
    int lo = 0;
    int hi = bounds.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = nullPages.get(mid) ? 0 : compare(bounds.get(mid), key);
      boolean above = strictlyAbove ? c > 0 : c >= 0;
      if (above) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Unsigned lexicographic comparison of a page bound with a key's bytes. */
  private static int compare(ByteBuffer bound, byte[] key) {
    int start = bound.position();
    int length = bound.remaining();
    int n = Math.min(length, key.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(bound.get(start + i) & 0xff, key[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(length, key.length);
  }

  /**
   * {@code key = k1 OR key = k2 ...} over the distinct keys in key order, as a balanced tree:
   * parquet-hadoop's column-index filter keeps, for an equality, the pages whose min/max hold the
   * key (a binary search, the keys being sorted), and for an {@code OR} the union of its sides'
   * pages, so the pages kept are those that can hold one of the keys. (For an {@code IN} it would
   * keep every page between the set's smallest and largest value.)
   */
  static FilterPredicate keyPredicate(Collection<String> keys) {
    Operators.BinaryColumn column = FilterApi.binaryColumn(ParquetDataFiles.KEY);
    List<String> sorted = new ArrayList<>(new HashSet<>(keys));
    sorted.sort(KeyOrder.COMPARATOR);
    List<FilterPredicate> parts = new ArrayList<>(sorted.size());
    for (String key : sorted) {
      parts.add(FilterApi.eq(column, Binary.fromString(key)));
    }
    return balancedOr(parts, 0, parts.size());
  }

  private static FilterPredicate balancedOr(List<FilterPredicate> parts, int from, int to) {
    if (to - from == 1) {
      return parts.get(from);
    }
    int mid = (from + to) >>> 1;
    return FilterApi.or(balancedOr(parts, from, mid), balancedOr(parts, mid, to));
  }

  /**
   * Assembles each decoded row into reused buffers and makes a {@link Hit} only for a row whose key
   * is wanted; the other rows of a kept page come out as {@link #OTHER_KEY}, no object made.
   */
  private static final class Collector extends RecordMaterializer<Hit> {
    /** A decoded row whose key was not asked for. */
    static final Hit OTHER_KEY = new Hit(-1, "", null);

    private final int dimensions;
    private final Set<Binary> wanted = new HashSet<>();
    private final float[] vector;
    private Binary key;
    private int floats;
    private long rowsDecoded;
    private final GroupConverter root;

    Collector(int dimensions, Set<String> keys) {
      this.dimensions = dimensions;
      keys.forEach(k -> wanted.add(Binary.fromString(k)));
      this.vector = new float[dimensions];
      PrimitiveConverter keyConverter = new PrimitiveConverter() {
        @Override
        public void addBinary(Binary value) {
          key = value;
        }
      };
      PrimitiveConverter element = new PrimitiveConverter() {
        @Override
        public void addFloat(float value) {
          if (floats >= Collector.this.dimensions) {
            throw new CorruptRowException("a row has more than " + Collector.this.dimensions + " dimensions");
          }
          vector[floats++] = value;
        }
      };
      GroupConverter list = new SingleChildGroup(new SingleChildGroup(element));
      root = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return fieldIndex == 0 ? keyConverter : list;
        }

        @Override
        public void start() {
          floats = 0;
          key = null;
        }

        @Override
        public void end() {
          rowsDecoded++;
          if (floats != Collector.this.dimensions) {
            throw new CorruptRowException("a row has " + floats + " dimensions, the space has " + Collector.this.dimensions);
          }
        }
      };
    }

    @Override
    public Hit getCurrentRecord() {
      if (!wanted.contains(key)) {
        return OTHER_KEY;
      }
      return new Hit(-1, key.toStringUsingUTF8(), dimensions == 0 ? null : vector.clone());
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
