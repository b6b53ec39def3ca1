package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import java.io.Closeable;
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
import org.apache.parquet.schema.MessageType;

/**
 * Streams one data file's rows in file order (sorted by key), one row at a time: memory is one
 * Parquet row group, whatever the file's size. What compaction merges files with. Checks the file
 * against its log entry as {@link ParquetDataFiles#read} does (length, row count, vector length)
 * and reports any mismatch as a corrupt file naming it. Not thread-safe.
 *
 * <pre>{@code
 * try (DataFileReader rows = DataFileReader.open(io, conf, file, dims)) {
 *   while (rows.next()) { use(rows.position(), rows.key(), rows.vector()); }
 * }
 * }</pre>
 */
public final class DataFileReader implements Closeable {
  private final DataFile file;
  private final String location;
  private final ParquetReader<Object> reader;
  private final RowMaterializer rows;
  private long position = -1;
  private boolean done;

  private DataFileReader(DataFile file, String location, ParquetReader<Object> reader, RowMaterializer rows) {
    this.file = file;
    this.location = location;
    this.reader = reader;
    this.rows = rows;
  }

  /** Opens {@code file} for streaming, after checking its length against the log. */
  public static DataFileReader open(FileIO io, Configuration conf, DataFile file, int dimensions) {
    String location = io.location(file.path());
    ParquetDataFiles.checkLength(io, file, location);
    RowMaterializer rows = new RowMaterializer(dimensions);
    try {
      InputFile in = io.newScanInputFile(file.path(), file.sizeBytes()); // the length was just checked
      ParquetReader<Object> reader = new Builder(in, conf, rows).withConf(conf).build();
      return new DataFileReader(file, location, reader, rows);
    } catch (IOException | RuntimeException e) {
      throw ParquetDataFiles.unreadable(location, e);
    }
  }

  /** Advances to the next row; false after the last one. */
  public boolean next() {
    if (done) {
      return false;
    }
    Object record;
    try {
      record = reader.read();
    } catch (IOException | RuntimeException e) {
      throw ParquetDataFiles.unreadable(location, e);
    }
    if (record == null) {
      done = true;
      if (position + 1 != file.rows()) {
        throw Errors.corrupt(location, "holds " + (position + 1) + " rows, the log records " + file.rows(), null);
      }
      return false;
    }
    position++;
    if (position >= file.rows()) {
      throw Errors.corrupt(location, "holds more rows than the log records (" + file.rows() + ")", null);
    }
    if (rows.floats != rows.dimensions) {
      throw Errors.corrupt(
          location, "row " + position + " has " + rows.floats + " dimensions, the space has " + rows.dimensions, null);
    }
    return true;
  }

  /** The current row's position in the file (what deletion vectors refer to). */
  public int position() {
    return (int) position;
  }

  public String key() {
    return rows.key;
  }

  /** The current row's embedding: a new array per row, the caller's to keep. */
  public float[] vector() {
    return rows.vector;
  }

  public DataFile file() {
    return file;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // read-only: nothing is lost
    }
  }

  private static final class Builder extends ParquetReader.Builder<Object> {
    private final RowMaterializer rows;

    /** With the hub's configuration from the start: Parquet would otherwise load a new default one per file. */
    Builder(InputFile in, Configuration conf, RowMaterializer rows) {
      super(in, new org.apache.parquet.conf.HadoopParquetConfiguration(conf));
      this.rows = rows;
    }

    @Override
    protected ReadSupport<Object> getReadSupport() {
      return new ReadSupport<>() {
        @Override
        public ReadContext init(InitContext context) {
          ParquetDataFiles.checkSchema(context.getFileSchema(), true);
          return new ReadContext(ParquetDataFiles.SCHEMA);
        }

        @Override
        public RecordMaterializer<Object> prepareForRead(
            Configuration configuration, Map<String, String> meta, MessageType fileSchema, ReadContext context) {
          return rows;
        }
      };
    }
  }

  /** Receives one row at a time into {@code key} and a fresh {@code vector}. */
  private static final class RowMaterializer extends RecordMaterializer<Object> {
    private final int dimensions;
    private String key;
    private float[] vector;
    private int floats;
    private final GroupConverter root;

    RowMaterializer(int dimensions) {
      this.dimensions = dimensions;
      PrimitiveConverter keyConverter =
          new PrimitiveConverter() {
            @Override
            public void addBinary(Binary value) {
              key = value.toStringUsingUTF8();
            }
          };
      PrimitiveConverter element =
          new PrimitiveConverter() {
            @Override
            public void addFloat(float value) {
              if (floats < dimensions) {
                vector[floats] = value;
              }
              floats++;
            }
          };
      GroupConverter list = new SingleChildGroup(element);
      GroupConverter embedding = new SingleChildGroup(list);
      this.root =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return fieldIndex == 0 ? keyConverter : embedding;
            }

            @Override
            public void start() {
              vector = new float[dimensions];
              floats = 0;
            }

            @Override
            public void end() {}
          };
    }

    @Override
    public Object getCurrentRecord() {
      return Boolean.TRUE;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
