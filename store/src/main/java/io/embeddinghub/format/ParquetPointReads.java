package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.ColumnIndexStore;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.InputFile;
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
 * Reads the rows of a few keys from one data file without reading the file whole. For each row
 * group it keeps the keys inside the key column's min/max statistics and its bloom filter (a row
 * group left with none is not read at all); then, by the key column's page index, the page whose
 * range holds each remaining key (a binary search: keys are unique and sorted in a data file, so
 * a key's row lies in at most one page), and the pages of the embedding column covering the same
 * rows; only those pages are fetched and decoded, and their rows matched against a hash set of
 * the keys. A lookup decodes at most one page per key and file, whoever wrote it. The selection is
 * done here rather than by parquet-hadoop's filters: given the keys as one predicate, those
 * convert every page bound of a row group once per key, the most expensive part of a lookup.
 * Each found row comes with its row position in the file (deletion vectors are by position).
 * Files written before {@link PointReadLayout} (no bloom filter, no page index, larger pages)
 * are read correctly, only with less skipping. Stateless and thread-safe.
 */
public final class ParquetPointReads {
  private static final MessageType KEYS_ONLY =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .named(ParquetDataFiles.KEY)
          .named("spark_schema");

  private static final ColumnPath KEY_PATH = ColumnPath.get(ParquetDataFiles.KEY);

  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

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
   * @param checked the files whose length and tail were found intact before: a file with a
   *     recorded tail is checked once ({@link FileTail#checkOnce}), one without has its length
   *     checked every time
   */
  public static Result read(
      FileIO io, Configuration conf, DataFile file, int dimensions, Collection<String> keys, boolean withVectors,
      FileTail.Checked checked) {
    String location = io.location(file.path());
    if (keys.isEmpty()) {
      return new Result(List.of(), 0);
    }
    byte[] tail = null;
    if (file.tail() == null) {
      ParquetDataFiles.checkLength(io, file, location);
    } else {
      tail = FileTail.checkedTailOnce(io, file, checked); // checks the length too
    }
    Set<String> distinct = new HashSet<>(keys);
    List<byte[]> sorted = new ArrayList<>(distinct.size());
    distinct.forEach(k -> sorted.add(k.getBytes(StandardCharsets.UTF_8)));
    sorted.sort(UNSIGNED);
    Collector collector = new Collector(withVectors ? dimensions : 0, distinct);
    MessageType requested = withVectors ? ParquetDataFiles.SCHEMA : KEYS_ONLY;
    List<Hit> hits = new ArrayList<>();
    DirectPageRows direct = new DirectPageRows(
        requested.getColumnDescription(new String[] {ParquetDataFiles.KEY}),
        withVectors ? requested.getColumns().get(1) : null,
        dimensions);
    ParquetReadOptions options = HadoopReadOptions.builder(conf).build();
    try (ParquetFileReader reader = ParquetFileReader.open(input(io, file, tail), options)) {
      MessageType fileSchema = reader.getFileMetaData().getSchema();
      ParquetDataFiles.checkSchema(fileSchema, withVectors);
      reader.setRequestedSchema(requested);
      MessageColumnIO columns = new ColumnIOFactory(reader.getFileMetaData().getCreatedBy())
          .getColumnIO(requested, fileSchema);
      List<BlockMetaData> rowGroups = reader.getRowGroups();
      long firstRow = 0;
      for (int g = 0; g < rowGroups.size(); g++) {
        BlockMetaData rowGroup = rowGroups.get(g);
        RowRanges rows = rowsToRead(reader, g, rowGroup, sorted);
        if (rows.rowCount() > 0) {
          PageReadStore pages = pages(reader, g, rowGroup, rows);
          try {
            readDirect(direct, pages, collector.wanted, firstRow, file, hits);
          } catch (DirectPageRows.NotDirect e) {
            readRows(columns, pages(reader, g, rowGroup, rows), collector, firstRow, file, hits);
          }
        }
        firstRow += rowGroup.getRowCount();
      }
    } catch (CorruptRowException e) {
      throw Errors.corrupt(location, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw ParquetDataFiles.unreadable(location, e);
    }
    return new Result(hits, collector.rowsDecoded + direct.rowsDecoded());
  }

  /** The file, its checked tail served from memory when kept. */
  private static InputFile input(FileIO io, DataFile file, byte[] tail) throws IOException {
    InputFile stored = io.newInputFile(file.path(), file.sizeBytes());
    return tail == null ? stored : new TailServedFile(stored, file.sizeBytes(), tail);
  }

  private static PageReadStore pages(ParquetFileReader reader, int g, BlockMetaData rowGroup, RowRanges rows)
      throws IOException {
    return rows.rowCount() == rowGroup.getRowCount() ? reader.readRowGroup(g) : reader.readFilteredRowGroup(g, rows);
  }

  /** Finds the keys' rows by reading the pages directly ({@link DirectPageRows}). */
  private static void readDirect(
      DirectPageRows direct, PageReadStore pages, Set<Binary> wanted, long firstRow, DataFile file, List<Hit> hits)
      throws IOException, DirectPageRows.NotDirect {
    List<float[]> vectors = new ArrayList<>();
    List<DirectPageRows.Found> found = direct.read(pages, wanted, vectors);
    for (int i = 0; i < found.size(); i++) {
      DirectPageRows.Found row = found.get(i);
      hits.add(new Hit(position(firstRow + row.row(), row.key(), file), row.key(), vectors.isEmpty() ? null : vectors.get(i)));
    }
  }

  private static int position(long position, String key, DataFile file) {
    if (position < 0 || position >= file.rows()) {
      throw new CorruptRowException("row of key '" + key + "' has position " + position
          + ", the log records " + file.rows() + " rows");
    }
    return (int) position;
  }

  /** Matches the rows of {@code pages} (those of the row ranges read) against the keys. */
  private static void readRows(
      MessageColumnIO columns, PageReadStore pages, Collector collector, long firstRow, DataFile file, List<Hit> hits) {
    RecordReader<Hit> records = columns.getRecordReader(pages, collector, FilterCompat.NOOP);
    PrimitiveIterator.OfLong rowIndexes = pages.getRowIndexes().orElse(null);
    long count = pages.getRowCount();
    for (long r = 0; r < count; r++) {
      Hit hit = records.read();
      long inRowGroup = rowIndexes == null ? r : rowIndexes.nextLong();
      if (hit == Collector.OTHER_KEY) {
        continue;
      }
      hits.add(new Hit(position(firstRow + inRowGroup, hit.key(), file), hit.key(), hit.vector()));
    }
  }

  /**
   * The rows of row group {@code g} that can hold one of {@code keys} (sorted unsigned, as Parquet
   * orders binary values): none when its statistics or bloom filter rule every key out, the
   * rows of the key pages that can hold one when it has a page index, else all of them.
   */
  static RowRanges rowsToRead(ParquetFileReader reader, int g, BlockMetaData rowGroup, List<byte[]> keys)
      throws IOException {
    ColumnChunkMetaData keyChunk = keyChunk(rowGroup);
    List<byte[]> candidates = withinStatistics(keyChunk.getStatistics(), keys);
    BloomFilter bloom = candidates.isEmpty() ? null : reader.readBloomFilter(keyChunk);
    if (bloom != null) {
      List<byte[]> maybe = new ArrayList<>(candidates.size());
      for (byte[] key : candidates) {
        if (bloom.findHash(bloom.hash(Binary.fromConstantByteArray(key)))) {
          maybe.add(key);
        }
      }
      candidates = maybe;
    }
    if (candidates.isEmpty()) {
      return RowRanges.EMPTY;
    }
    ColumnIndexStore pageIndex = reader.getColumnIndexStore(g);
    ColumnIndex bounds = pageIndex.getColumnIndex(KEY_PATH);
    OffsetIndex offsets;
    try {
      offsets = bounds == null ? null : pageIndex.getOffsetIndex(KEY_PATH);
    } catch (ColumnIndexStore.MissingOffsetIndexException e) {
      offsets = null;
    }
    if (offsets == null) {
      return RowRanges.createSingle(rowGroup.getRowCount());
    }
    int[] pages = KeyPages.holding(bounds, candidates);
    return RowRanges.create(rowGroup.getRowCount(), Arrays.stream(pages).iterator(), offsets);
  }

  private static ColumnChunkMetaData keyChunk(BlockMetaData rowGroup) {
    for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
      if (chunk.getPath().equals(KEY_PATH)) {
        return chunk;
      }
    }
    throw new CorruptRowException("a row group has no column '" + ParquetDataFiles.KEY + "'");
  }

  /** The keys inside the chunk's min/max, or all of them when it has no statistics. */
  private static List<byte[]> withinStatistics(Statistics<?> statistics, List<byte[]> keys) {
    if (statistics == null || statistics.isEmpty() || !statistics.hasNonNullValue()) {
      return keys;
    }
    byte[] min = statistics.getMinBytes();
    byte[] max = statistics.getMaxBytes();
    List<byte[]> inside = new ArrayList<>();
    for (byte[] key : keys) {
      if (Arrays.compareUnsigned(key, min) >= 0 && Arrays.compareUnsigned(key, max) <= 0) {
        inside.add(key);
      }
    }
    return inside;
  }

  /**
   * Assembles each decoded row into reused buffers and makes a {@link Hit} only for a row whose key
   * is wanted; the other rows of a kept page come out as {@link #OTHER_KEY}, no object made.
   */
  private static final class Collector extends RecordMaterializer<Hit> {
    /** A decoded row whose key was not asked for. */
    static final Hit OTHER_KEY = new Hit(-1, "", null);

    private final int dimensions;
    final Set<Binary> wanted = new HashSet<>();
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
