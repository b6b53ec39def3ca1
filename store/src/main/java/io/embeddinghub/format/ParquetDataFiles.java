package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
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
 * Writes and reads data files: plain Parquet with {@code key STRING NOT NULL} and
 * {@code embedding ARRAY<FLOAT NOT NULL> NOT NULL} (the standard 3-level LIST layout Spark
 * writes and reads), rows sorted by key. Reading checks the file against its log entry (length,
 * row count, vector length); any mismatch or Parquet failure is a corrupt-file error naming it.
 */
public final class ParquetDataFiles {
  public static final String KEY = "key";
  public static final String EMBEDDING = "embedding";

  /** Full schema: what every data file holds. */
  public static final MessageType SCHEMA =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .named(KEY)
          .requiredList()
          .requiredElement(PrimitiveTypeName.FLOAT)
          .named(EMBEDDING)
          .named("spark_schema");

  static final MessageType KEYS_ONLY =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .named(KEY)
          .named("spark_schema");

  /** The embedding column alone, as {@link #SCHEMA} holds it. */
  static final MessageType EMBEDDING_ONLY =
      Types.buildMessage()
          .requiredList()
          .requiredElement(PrimitiveTypeName.FLOAT)
          .named(EMBEDDING)
          .named("spark_schema");

  private ParquetDataFiles() {}

  /**
   * Writes rows already sorted by key to a new file and returns its log entry.
   *
   * @param vectors flat array, {@code dimensions} floats per key
   */
  public static DataFile write(
      FileIO io, Configuration conf, String path, int bucket, String[] sortedKeys, float[] vectors, int dimensions)
      throws IOException {
    if (sortedKeys.length == 0) {
      throw new IllegalArgumentException("A data file needs at least one row: " + path);
    }
    try (DataFileWriter writer = DataFileWriter.create(io, conf, path, bucket, dimensions)) {
      for (int row = 0; row < sortedKeys.length; row++) {
        writer.add(sortedKeys[row], vectors, row * dimensions);
      }
      return writer.finish();
    }
  }

  /**
   * Checks that {@code file} exists with the length the log records (every reader does this
   * before opening it): a missing file or another length is a {@link io.embeddinghub.CorruptFileException}.
   */
  static void checkLength(FileIO io, DataFile file, String location) {
    long length;
    try {
      length = io.length(file.path());
    } catch (FileNotFoundException e) {
      throw Errors.corrupt(location, "data file is missing (deleted outside EmbeddingHub?)", e);
    } catch (IOException e) {
      throw Errors.cannotRead(location, e);
    }
    if (length != file.sizeBytes()) {
      throw Errors.corrupt(location, "length is " + length + " bytes, the log records " + file.sizeBytes(), null);
    }
  }

  /**
   * What a failed read of a data file is: an I/O error when the file system failed to open it
   * (the file is fine; a retry may succeed), otherwise a {@link io.embeddinghub.CorruptFileException}.
   */
  static RuntimeException unreadable(String location, Exception e) {
    if (io.embeddinghub.io.StorageIOException.isCauseOf(e)) {
      return Errors.cannotRead(location, e);
    }
    return Errors.corrupt(location, "unreadable Parquet (" + e + ")", e);
  }

  /** Checks that a file's schema has the key column, and the embedding column when {@code withVectors}. */
  static void checkSchema(MessageType fileSchema, boolean withVectors) {
    if (!fileSchema.containsPath(new String[] {KEY})
        || (withVectors && !fileSchema.containsPath(new String[] {EMBEDDING, "list", "element"}))) {
      throw new CorruptRowException("schema is not an EmbeddingHub data file: " + fileSchema);
    }
  }

  /** Reads a data file's keys, and its embeddings unless {@code keysOnly}. */
  public static FileContents read(
      FileIO io, Configuration conf, DataFile file, int dimensions, boolean keysOnly) {
    String location = io.location(file.path());
    checkLength(io, file, location);
    RowCollector collector = new RowCollector((int) file.rows(), keysOnly ? 0 : dimensions);
    try {
      InputFile in = io.newScanInputFile(file.path(), file.sizeBytes()); // the length was just checked
      try (ParquetReader<Object> reader =
          new RowReaderBuilder(in, conf, collector, keysOnly ? KEYS_ONLY : SCHEMA).withConf(conf).build()) {
        while (reader.read() != null) {
          // rows land in the collector
        }
      }
    } catch (CorruptRowException e) {
      throw Errors.corrupt(location, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof OutOfMemoryError oom) {
          throw oom; // the heap, not the file: never report it as corrupt
        }
      }
      throw unreadable(location, e);
    }
    if (collector.rows != file.rows()) {
      throw Errors.corrupt(
          location, "holds " + collector.rows + " rows, the log records " + file.rows(), null);
    }
    return new FileContents(collector.keys, keysOnly ? null : collector.vectors, dimensions);
  }

  private static final class RowReaderBuilder extends ParquetReader.Builder<Object> {
    private final RowCollector collector;
    private final MessageType requested;

    /**
     * With the hub's configuration from the start: for an input file that is not a
     * {@code HadoopInputFile}, Parquet would otherwise make (and parse) a new default one per file.
     */
    RowReaderBuilder(InputFile in, Configuration conf, RowCollector collector, MessageType requested) {
      super(in, new org.apache.parquet.conf.HadoopParquetConfiguration(conf));
      this.collector = collector;
      this.requested = requested;
    }

    @Override
    protected ReadSupport<Object> getReadSupport() {
      return new ReadSupport<>() {
        @Override
        public ReadContext init(InitContext context) {
          checkSchema(context.getFileSchema(), requested == SCHEMA);
          return new ReadContext(requested);
        }

        @Override
        public RecordMaterializer<Object> prepareForRead(
            Configuration configuration,
            Map<String, String> keyValueMetaData,
            MessageType fileSchema,
            ReadContext readContext) {
          return collector.materializer(requested == SCHEMA);
        }
      };
    }
  }

  /** Receives rows straight into growable arrays; no per-row objects. */
  private static final class RowCollector {
    private final int dimensions;
    private String[] keys;
    private float[] vectors;
    private int rows;
    private int floatsInRow;

    RowCollector(int expectedRows, int dimensions) {
      this.dimensions = dimensions;
      this.keys = new String[expectedRows];
      this.vectors = new float[expectedRows * dimensions];
    }

    RecordMaterializer<Object> materializer(boolean withVectors) {
      PrimitiveConverter keyConverter =
          new PrimitiveConverter() {
            @Override
            public void addBinary(Binary value) {
              if (rows >= keys.length) {
                throw new CorruptRowException("holds more rows than the log records (" + keys.length + ")");
              }
              keys[rows] = value.toStringUsingUTF8();
            }
          };
      PrimitiveConverter elementConverter =
          new PrimitiveConverter() {
            @Override
            public void addFloat(float value) {
              if (floatsInRow >= dimensions) {
                throw new CorruptRowException(
                    "row " + rows + " has more than " + dimensions + " dimensions");
              }
              vectors[rows * dimensions + floatsInRow++] = value;
            }
          };
      GroupConverter listElement = new SingleChildGroup(elementConverter);
      GroupConverter embedding = new SingleChildGroup(listElement);
      GroupConverter root =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return fieldIndex == 0 ? keyConverter : embedding;
            }

            @Override
            public void start() {
              floatsInRow = 0;
            }

            @Override
            public void end() {
              if (withVectors && floatsInRow != dimensions) {
                throw new CorruptRowException(
                    "row " + rows + " has " + floatsInRow + " dimensions, the space has " + dimensions);
              }
              rows++;
            }
          };
      return new RecordMaterializer<>() {
        @Override
        public Object getCurrentRecord() {
          return Boolean.TRUE;
        }

        @Override
        public GroupConverter getRootConverter() {
          return root;
        }
      };
    }
  }
}
