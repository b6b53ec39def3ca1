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
 * is given the predicate {@code key IN (keys)} and drops row groups by their min/max statistics
 * and the key column's bloom filter, then, inside a row group, keeps only the pages whose
 * column-index range can hold a key (and the pages of the embedding column covering the same
 * rows, by the offset index); only those pages are fetched and decoded. Each found row comes with
 * its row position in the file (deletion vectors are by position). Files written before
 * {@link PointReadLayout} (no bloom filter, larger pages) are read correctly, only with less
 * skipping. Stateless and thread-safe.
 */
public final class ParquetPointReads {
  private static final MessageType KEYS_ONLY =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .named(ParquetDataFiles.KEY)
          .named("spark_schema");

  /** At most this many runs of keys in a read's predicate (each costs a check per decoded row). */
  static final int MAX_RUNS = 64;

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
    FilterPredicate wanted = keyPredicate(keys);
    Collector collector = new Collector(withVectors ? dimensions : 0);
    List<Hit> hits = new ArrayList<>();
    try (ParquetReader<Hit> reader =
        new Builder(io.newInputFile(file.path()), conf, collector, withVectors ? ParquetDataFiles.SCHEMA : KEYS_ONLY)
            .withConf(conf)
            .withFilter(FilterCompat.get(wanted))
            .useStatsFilter(true)
            .useDictionaryFilter(false)
            .useBloomFilter(true)
            .useColumnIndexFilter(true)
            .useRecordFilter(true)
            .build()) {
      for (Hit hit = reader.read(); hit != null; hit = reader.read()) {
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
   * {@code key IN (keys)} as an OR of at most {@value #MAX_RUNS} {@code IN}s over runs of
   * consecutive keys in key order (a single key is an {@code =}): parquet-hadoop's column-index
   * filter keeps, for an {@code IN}, every page between the smallest and the largest of its values,
   * so one {@code IN} over keys spread across a file would keep nearly every page; runs keep the
   * pages near each key.
   */
  static FilterPredicate keyPredicate(Collection<String> keys) {
    Operators.BinaryColumn column = FilterApi.binaryColumn(ParquetDataFiles.KEY);
    List<String> sorted = new ArrayList<>(new HashSet<>(keys));
    sorted.sort(KeyOrder.COMPARATOR);
    int runs = Math.min(MAX_RUNS, sorted.size());
    List<FilterPredicate> parts = new ArrayList<>(runs);
    for (int r = 0; r < runs; r++) {
      List<String> run = sorted.subList((int) ((long) r * sorted.size() / runs), (int) ((long) (r + 1) * sorted.size() / runs));
      if (run.size() == 1) {
        parts.add(FilterApi.eq(column, Binary.fromString(run.get(0))));
      } else {
        Set<Binary> values = new HashSet<>();
        run.forEach(k -> values.add(Binary.fromString(k)));
        parts.add(FilterApi.in(column, values));
      }
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
   * Assembles each decoded row into reused buffers; the record filter asks for a {@link Hit} only
   * for rows whose key matched, so no object is made for the other rows of a page.
   */
  private static final class Collector extends RecordMaterializer<Hit> {
    private final int dimensions;
    private final float[] vector;
    private Binary key;
    private int floats;
    private long rowsDecoded;
    private final GroupConverter root;

    Collector(int dimensions) {
      this.dimensions = dimensions;
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
      return new Hit(-1, key.toStringUsingUTF8(), dimensions == 0 ? null : vector.clone());
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
