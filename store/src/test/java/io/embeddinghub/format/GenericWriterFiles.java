package io.embeddinghub.format;

import java.io.IOException;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/** Data files of the data-file schema written by parquet-mr's generic writer: other writers' layouts. */
final class GenericWriterFiles {
  private GenericWriterFiles() {}

  /** Writes {@code keys} with their rows of {@code vectors}, the writer configured by {@code settings}. */
  static void write(Path path, Configuration conf, String[] keys, float[] vectors, int dims,
      UnaryOperator<ExampleParquetWriter.Builder> settings) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(ParquetDataFiles.SCHEMA);
    ExampleParquetWriter.Builder builder = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
        .withType(ParquetDataFiles.SCHEMA).withConf(conf);
    try (ParquetWriter<Group> writer = settings.apply(builder).build()) {
      for (int r = 0; r < keys.length; r++) {
        Group row = groups.newGroup().append(ParquetDataFiles.KEY, keys[r]);
        Group list = row.addGroup(ParquetDataFiles.EMBEDDING);
        for (int d = 0; d < dims; d++) {
          list.addGroup("list").append("element", vectors[r * dims + d]);
        }
        writer.write(row);
      }
    }
  }
}
