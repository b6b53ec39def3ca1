package io.embeddinghub.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet files of entries, as Spark writes a DataFrame of {@code key STRING, embedding
 * ARRAY<FLOAT>}: read with a {@code key} column (string) and an {@code embedding} or {@code vector}
 * column (a list of float or double, in the three-level or the legacy two-level layout), one row
 * group at a time; written in the three-level layout with float elements, which Spark reads as
 * {@code ARRAY<FLOAT>}.
 */
final class ParquetVectors {
  /** The schema {@link #writer} writes. */
  static final MessageType SCHEMA = Types.buildMessage()
      .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("key")
      .requiredGroup().as(LogicalTypeAnnotation.listType())
          .repeatedGroup().required(PrimitiveTypeName.FLOAT).named("element").named("list")
          .named("embedding")
      .named("embeddinghub_export");

  private ParquetVectors() {}

  /** Opens {@code file} for reading its entries (the caller closes the source). */
  static VectorFiles.Source open(Path file) throws IOException {
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new LocalInputFile(file));
    } catch (IOException | RuntimeException e) {
      throw new UserException("cannot read " + file + " as Parquet: " + e.getMessage());
    }
    try {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      String vectorColumn = vectorColumn(schema, file);
      if (!schema.containsField("key") || !schema.getType("key").isPrimitive()
          || schema.getType("key").asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
        throw new UserException("a Parquet file to import needs a string column 'key'; " + file + " has " + schema);
      }
      return new Rows(reader, schema, vectorColumn, file);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  private static String vectorColumn(MessageType schema, Path file) {
    for (String name : new String[] {"embedding", "vector"}) {
      if (schema.containsField(name) && !schema.getType(name).isPrimitive()) {
        return name;
      }
    }
    throw new UserException("a Parquet file to import needs a list column 'embedding' or 'vector'; " + file + " has " + schema);
  }

  /** A writer of {@link #SCHEMA} to {@code file} (which must not exist). */
  static ParquetWriter<Group> writer(Path file) throws IOException {
    return ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build();
  }

  /** One entry as a row of {@link #SCHEMA}. */
  static Group row(String key, float[] vector) {
    Group row = new SimpleGroupFactory(SCHEMA).newGroup().append("key", key);
    Group list = row.addGroup("embedding");
    for (float v : vector) {
      list.addGroup("list").append("element", v);
    }
    return row;
  }

  /** The rows of a file, one row group in memory at a time. */
  private static final class Rows implements VectorFiles.Source {
    private final ParquetFileReader reader;
    private final MessageType schema;
    private final String vectorColumn;
    private final Path file;
    private final long total;
    private RecordReader<Group> rowGroup;
    private long leftInGroup;
    private long row;

    Rows(ParquetFileReader reader, MessageType schema, String vectorColumn, Path file) {
      this.reader = reader;
      this.schema = schema;
      this.vectorColumn = vectorColumn;
      this.file = file;
      this.total = reader.getRecordCount();
    }

    @Override
    public long expectedRows() {
      return total;
    }

    @Override
    public boolean hasNext() {
      while (leftInGroup == 0) {
        PageReadStore pages;
        try {
          pages = reader.readNextRowGroup();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        if (pages == null) {
          return false;
        }
        leftInGroup = pages.getRowCount();
        rowGroup = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
      }
      return true;
    }

    @Override
    public Map.Entry<String, float[]> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Group g = rowGroup.read();
      leftInGroup--;
      row++;
      if (g.getFieldRepetitionCount("key") == 0) {
        throw new UserException("row " + row + " of " + file + " has no key");
      }
      if (g.getFieldRepetitionCount(vectorColumn) == 0) {
        throw new UserException("row " + row + " of " + file + " (key '" + g.getString("key", 0) + "') has no " + vectorColumn);
      }
      return new AbstractMap.SimpleImmutableEntry<>(g.getString("key", 0), vector(g.getGroup(vectorColumn, 0), g.getString("key", 0)));
    }

    /** The values of a list group: {@code repeated group list { element }} or {@code repeated float}. */
    private float[] vector(Group list, String key) {
      GroupType type = list.getType();
      Type repeated = type.getType(0);
      int n = list.getFieldRepetitionCount(0);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        if (repeated.isPrimitive()) {
          out[i] = value(list, 0, i, repeated, key);
        } else {
          Group element = list.getGroup(0, i);
          if (element.getFieldRepetitionCount(0) == 0) {
            throw new UserException("row " + row + " of " + file + " (key '" + key + "') has a null at position " + i);
          }
          out[i] = value(element, 0, 0, element.getType().getType(0), key);
        }
      }
      return out;
    }

    private float value(Group g, int field, int index, Type type, String key) {
      PrimitiveTypeName t = type.asPrimitiveType().getPrimitiveTypeName();
      return switch (t) {
        case FLOAT -> g.getFloat(field, index);
        case DOUBLE -> (float) g.getDouble(field, index);
        default -> throw new UserException("column " + vectorColumn + " of " + file + " holds " + t
            + " values (expected FLOAT or DOUBLE), row " + row + " (key '" + key + "')");
      };
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /** Whether {@code file} is named like a Parquet file. */
  static boolean isParquet(Path file) {
    return file.getFileName().toString().toLowerCase().endsWith(".parquet");
  }

  /** Deletes {@code file} if it exists, quietly. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort
    }
  }
}
