package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VectorLocations} against the written rows: for every row of a data file, the floats read
 * from the file's raw bytes at its location are the row written, bit for bit, whoever wrote the
 * file in the layout the locations need (this library's writer with several row groups, and
 * parquet-mr's generic writer with v1 and v2 pages); a file of another layout (compressed or
 * dictionary-encoded embeddings) has no locations.
 */
class VectorLocationsTest {
  private static final int DIMS = 40;
  private static final int ROWS = 6_000;
  private static final Configuration CONF = new Configuration();

  @TempDir static Path dir;
  private static HadoopFileIO io;
  private static String[] keys;
  private static float[] vectors;

  @BeforeAll
  static void rows() throws IOException {
    io = new HadoopFileIO(dir.toUri(), CONF);
    Random random = new Random(3);
    TreeSet<String> sorted = new TreeSet<>(KeyOrder.COMPARATOR);
    while (sorted.size() < ROWS) {
      sorted.add("key-" + random.nextInt(10_000_000));
    }
    keys = sorted.toArray(String[]::new);
    vectors = new float[ROWS * DIMS];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = (float) random.nextGaussian();
    }
  }

  @Test
  void thisLibrarysFilesLocateEveryRowAcrossRowGroupsAndPages() throws IOException {
    // 256-row pages; 8 MB row groups hold ~52,000 rows of 40 floats, so write more than that
    int rows = 60_000;
    String[] manyKeys = new String[rows];
    for (int i = 0; i < rows; i++) {
      manyKeys[i] = String.format("row-%06d", i);
    }
    float[] many = new float[rows * DIMS];
    for (int i = 0; i < many.length; i++) {
      many[i] = vectors[i % vectors.length] + i;
    }
    DataFile file = ParquetDataFiles.write(io, CONF, "data/bucket=0000/ours.parquet", 0, manyKeys, many, DIMS);
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(io.location(file.path())), CONF))) {
      assertThat(reader.getRowGroups()).as("several row groups").hasSizeGreaterThan(1);
      for (var group : reader.getRowGroups()) {
        ColumnChunkMetaData key = group.getColumns().get(0);
        ColumnChunkMetaData embedding = group.getColumns().get(1);
        assertThat(key.getCodec()).isEqualTo(CompressionCodecName.SNAPPY);
        assertThat(embedding.getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED);
      }
    }
    assertLocated(file, many, rows);
  }

  @Test
  void genericWriterFilesOfTheSameLayoutLocateEveryRow() throws IOException {
    for (WriterVersion version : WriterVersion.values()) {
      DataFile file = parquetMr("generic-" + version + ".parquet", version, CompressionCodecName.UNCOMPRESSED, false);
      assertLocated(file, vectors, ROWS);
    }
  }

  @Test
  void compressedOrDictionaryEncodedEmbeddingsHaveNoLocations() throws IOException {
    DataFile snappy = parquetMr("snappy.parquet", WriterVersion.PARQUET_1_0, CompressionCodecName.SNAPPY, false);
    assertThat(VectorLocations.of(io, CONF, snappy, DIMS) == null).as("SNAPPY embeddings have no locations").isTrue();
    float[] fewValues = new float[vectors.length]; // few distinct floats: the dictionary holds
    for (int i = 0; i < fewValues.length; i++) {
      fewValues[i] = Math.round(vectors[i]);
    }
    DataFile dictionary = parquetMr(
        "dictionary.parquet", WriterVersion.PARQUET_1_0, CompressionCodecName.UNCOMPRESSED, true, fewValues);
    assertThat(VectorLocations.of(io, CONF, dictionary, DIMS) == null).as("dictionary-encoded embeddings have no locations")
        .isTrue();
  }

  private static void assertLocated(DataFile file, float[] written, int rows) throws IOException {
    long[] offsets = VectorLocations.of(io, CONF, file, DIMS);
    assertThat(offsets).as("locations of %s", file.path()).hasSize(rows);
    byte[] bytes = new byte[DIMS * Float.BYTES];
    float[] read = new float[DIMS];
    try (RandomAccessFile raw = new RandomAccessFile(dir.resolve(file.path()).toFile(), "r")) {
      for (int row = 0; row < rows; row++) {
        raw.seek(offsets[row]);
        raw.readFully(bytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(read);
        for (int d = 0; d < DIMS; d++) {
          if (Float.floatToRawIntBits(read[d]) != Float.floatToRawIntBits(written[row * DIMS + d])) {
            throw new AssertionError(file.path() + ": row " + row + " dimension " + d + " read " + read[d]
                + " at offset " + offsets[row] + ", written " + written[row * DIMS + d]);
          }
        }
      }
    }
  }

  /** The rows written by parquet-mr's generic writer, several row groups, small pages, with a page index. */
  private static DataFile parquetMr(String name, WriterVersion version, CompressionCodecName codec, boolean dictionary)
      throws IOException {
    return parquetMr(name, version, codec, dictionary, vectors);
  }

  private static DataFile parquetMr(
      String name, WriterVersion version, CompressionCodecName codec, boolean dictionary, float[] values)
      throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
    GenericWriterFiles.write(path, CONF, keys, values, DIMS, b -> b.withWriterVersion(version)
        .withCompressionCodec(codec).withDictionaryEncoding(dictionary).withPageRowCountLimit(100)
        .withRowGroupSize(300_000L));
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, CONF))) {
      if (!dictionary) { // a dictionary-encoded file is small: one row group
        assertThat(reader.getRowGroups()).as("several row groups").hasSizeGreaterThan(1);
      }
      assertThat(reader.getRowGroups().get(0).getColumns().get(1).hasDictionaryPage()).isEqualTo(dictionary);
    }
    return new DataFile(name, 0, ROWS, Files.size(dir.resolve(name)), keys[0], keys[ROWS - 1], null);
  }
}
