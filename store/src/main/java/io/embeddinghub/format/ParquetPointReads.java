package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.filter2.predicate.Operators;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
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
 * Reads the rows of a few keys from one data file without reading the file whole: parquet-hadoop
 * is given the predicate {@code key = k1 OR key = k2 ...} and drops row groups by their min/max
 * statistics and the key column's bloom filter, then, inside a row group, keeps only the pages
 * whose column-index range holds one of the keys (and the pages of the embedding column covering
 * the same rows, by the offset index); only those pages are fetched and decoded. Keys are unique
 * and sorted in a data file, so a key's row lies in at most one page: a lookup decodes at most one
 * page per key and file, whoever wrote it. Parquet's record-level filter is off (its {@code IN}
 * compares every decoded value with every key of the set, and an {@code OR} of equalities updates
 * every leaf per value); the rows of the kept pages are matched here against a hash set of the
 * keys. Each found row comes with its row position in the file (deletion vectors are by position).
 * Files written before {@link PointReadLayout} (no bloom filter, larger pages) are read correctly,
 * only with less skipping. Stateless and thread-safe.
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
    FilterPredicate wanted = keyPredicate(distinct);
    Collector collector = new Collector(withVectors ? dimensions : 0, distinct);
    List<Hit> hits = new ArrayList<>();
    try (ParquetReader<Hit> reader =
        new Builder(io.newInputFile(file.path()), conf, collector, withVectors ? ParquetDataFiles.SCHEMA : KEYS_ONLY)
            .withConf(conf)
            .withFilter(FilterCompat.get(wanted))
            .useStatsFilter(true)
            .useDictionaryFilter(false)
            .useBloomFilter(true)
            .useColumnIndexFilter(true)
            .useRecordFilter(false)
            .build()) {
      for (Hit hit = reader.read(); hit != null; hit = reader.read()) {
        if (hit == Collector.OTHER_KEY) {
          continue;
        }
        long position = reader.getCurrentRowIndex();
        if (position < 0 || position >= file.rows()) {
          throw new CorruptRowException("row of key '" + hit.key() + "' has position " + position
              + ", the log records " + file.rows() + " rows");
        }
        hits.add(new Hit((int) position, hit.key(), hit.vector()));
      }
    } catch (CorruptRowException e) {
      throw Errors.corrupt(location, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw ParquetDataFiles.unreadable(location, e);
    }
    return new Result(hits, collector.rowsDecoded);
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

  private static final class Builder extends ParquetReader.Builder<Hit> {
    private final Collector collector;
    private final MessageType requested;

    /** With the hub's configuration from the start: Parquet would otherwise load a new default one per file. */
    Builder(org.apache.parquet.io.InputFile in, Configuration conf, Collector collector, MessageType requested) {
      super(in, new org.apache.parquet.conf.HadoopParquetConfiguration(conf));
      this.collector = collector;
      this.requested = requested;
    }

    @Override
    protected ReadSupport<Hit> getReadSupport() {
      return new ReadSupport<>() {
        @Override
        public ReadContext init(InitContext context) {
          ParquetDataFiles.checkSchema(context.getFileSchema(), requested == ParquetDataFiles.SCHEMA);
          return new ReadContext(requested);
        }

        @Override
        public RecordMaterializer<Hit> prepareForRead(
            Configuration configuration, Map<String, String> keyValueMetaData, MessageType fileSchema,
            ReadContext readContext) {
          return collector;
        }
      };
    }
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
