package io.embeddinghub.bench;

import io.embeddinghub.format.ParquetDataFiles;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * The reference for the bulk-load rate: the same rows written as one plain Parquet file with
 * parquet-hadoop, in the store's schema ({@link ParquetDataFiles#SCHEMA}: key STRING, embedding
 * LIST&lt;FLOAT&gt;) and writer settings (SNAPPY, no dictionary, 32 MiB row groups, format v1),
 * through the same Hadoop local file system. Two writers:
 *
 * <ul>
 *   <li>{@link #writeGroups}: parquet-hadoop's example {@code GroupWriteSupport}
 *       ({@link ExampleParquetWriter}), one {@code Group} object per row: the textbook way;
 *   <li>{@link #writeDirect}: a {@code WriteSupport} that feeds the {@code RecordConsumer} straight
 *       from the arrays, as the store's own writer ({@code ParquetDataFiles}) does: the fastest
 *       plain Parquet writer of these rows, so the stricter reference.
 * </ul>
 *
 * Rows are written in the order given (no sort, no buckets: that is the store's work).
 */
final class PlainParquet {
  private static final long ROW_GROUP_BYTES = 32L << 20;

  private PlainParquet() {}

  static void writeGroups(Configuration conf, String uri, String[] keys, float[][] vectors) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(ParquetDataFiles.SCHEMA);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(out(conf, uri))
            .withConf(conf)
            .withType(ParquetDataFiles.SCHEMA)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .build()) {
      for (int i = 0; i < keys.length; i++) {
        Group row = groups.newGroup();
        row.append(ParquetDataFiles.KEY, keys[i]);
        Group embedding = row.addGroup(ParquetDataFiles.EMBEDDING);
        for (float f : vectors[i]) {
          embedding.addGroup("list").append("element", f);
        }
        writer.write(row);
      }
    }
  }

  static void writeDirect(Configuration conf, String uri, String[] keys, float[][] vectors) throws IOException {
    try (ParquetWriter<Integer> writer =
        new DirectBuilder(out(conf, uri), keys, vectors)
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .build()) {
      for (int row = 0; row < keys.length; row++) {
        writer.write(row);
      }
    }
  }

  private static OutputFile out(Configuration conf, String uri) throws IOException {
    return HadoopOutputFile.fromPath(new Path(uri), conf);
  }

  private static final class DirectBuilder extends ParquetWriter.Builder<Integer, DirectBuilder> {
    private final String[] keys;
    private final float[][] vectors;

    DirectBuilder(OutputFile out, String[] keys, float[][] vectors) {
      super(out);
      this.keys = keys;
      this.vectors = vectors;
    }

    @Override
    protected DirectBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return new DirectWriteSupport(keys, vectors);
    }
  }

  private static final class DirectWriteSupport extends WriteSupport<Integer> {
    private final String[] keys;
    private final float[][] vectors;
    private RecordConsumer consumer;

    DirectWriteSupport(String[] keys, float[][] vectors) {
      this.keys = keys;
      this.vectors = vectors;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      Map<String, String> extra = new HashMap<>();
      return new WriteContext(ParquetDataFiles.SCHEMA, extra);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Integer row) {
      consumer.startMessage();
      consumer.startField(ParquetDataFiles.KEY, 0);
      consumer.addBinary(Binary.fromString(keys[row]));
      consumer.endField(ParquetDataFiles.KEY, 0);
      consumer.startField(ParquetDataFiles.EMBEDDING, 1);
      consumer.startGroup();
      consumer.startField("list", 0);
      for (float f : vectors[row]) {
        consumer.startGroup();
        consumer.startField("element", 0);
        consumer.addFloat(f);
        consumer.endField("element", 0);
        consumer.endGroup();
      }
      consumer.endField("list", 0);
      consumer.endGroup();
      consumer.endField(ParquetDataFiles.EMBEDDING, 1);
      consumer.endMessage();
    }
  }
}
