package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point reads find the same rows whatever wrote the file: this library's writer (whose pages are
 * read directly, {@link DirectPageRows}) and parquet-mr's generic writer with layouts the direct
 * reading does not take (dictionary-encoded keys, v2 data pages, other page sizes), which fall
 * back to parquet-mr's record assembly. The oracle is the rows each file was written from.
 */
class PointReadsAnyLayoutTest {
  private static final int DIMS = 5;
  private static final int ROWS = 6_000;
  private static final Configuration CONF = new Configuration();

  @TempDir static Path dir;
  private static HadoopFileIO io;
  private static String[] keys;
  private static float[] vectors;
  /** Vectors of few distinct floats: parquet-mr keeps a dictionary for them. */
  private static float[] coarse;

  @BeforeAll
  static void rows() throws IOException {
    io = new HadoopFileIO(dir.toUri(), CONF);
    Random random = new Random(5);
    TreeSet<String> sorted = new TreeSet<>(KeyOrder.COMPARATOR);
    while (sorted.size() < ROWS) {
      sorted.add("key-" + random.nextInt(1_000_000) + (random.nextInt(40) == 0 ? "é" : ""));
    }
    keys = sorted.toArray(String[]::new);
    vectors = new float[ROWS * DIMS];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = random.nextFloat() - 0.5f;
    }
    coarse = new float[ROWS * DIMS];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = random.nextInt(3) * 0.5f;
    }
  }

  @Test
  void ownFilesAreReadDirectly() throws Exception {
    DataFile own = ParquetDataFiles.write(io, CONF, "own.parquet", 0, keys, vectors, DIMS);
    assertFindsEveryAskedRow(own, vectors);
    List<DirectPageRows.Found> found =
        directly(dir.resolve("own.parquet"), Set.of(keys[0], keys[ROWS - 1], "absent"), vectors);
    assertThat(found).extracting(DirectPageRows.Found::key).containsExactly(keys[0], keys[ROWS - 1]);
  }

  @Test
  void dictionaryEncodedVectorsFallBackToRecordAssembly() throws Exception {
    DataFile file = parquetMr("dictionary.parquet", WriterVersion.PARQUET_1_0, true, 300, coarse);
    assertFindsEveryAskedRow(file, coarse);
    assertThatThrownBy(() -> directly(dir.resolve("dictionary.parquet"), Set.of(keys[7]), coarse))
        .isInstanceOf(DirectPageRows.NotDirect.class).hasMessageContaining("dictionary");
  }

  @Test
  void version2PagesFallBackToRecordAssembly() throws Exception {
    DataFile file = parquetMr("v2.parquet", WriterVersion.PARQUET_2_0, false, 300, vectors);
    assertFindsEveryAskedRow(file, vectors);
    assertThatThrownBy(() -> directly(dir.resolve("v2.parquet"), Set.of(keys[7]), vectors))
        .isInstanceOf(DirectPageRows.NotDirect.class).hasMessageContaining("v1");
  }

  @Test
  void otherPageSizesAreFoundEitherWay() throws Exception {
    assertFindsEveryAskedRow(parquetMr("pages-of-97.parquet", WriterVersion.PARQUET_1_0, false, 97, vectors), vectors);
  }

  /** Lookups of random present and absent keys find exactly the present ones, with their rows and vectors. */
  private static void assertFindsEveryAskedRow(DataFile file, float[] vectors) {
    Random random = new Random(17);
    for (int round = 0; round < 40; round++) {
      List<String> asked = new ArrayList<>();
      TreeSet<Integer> expected = new TreeSet<>();
      int n = 1 + random.nextInt(round < 20 ? 4 : 200);
      for (int i = 0; i < n; i++) {
        if (random.nextBoolean()) {
          int row = random.nextInt(ROWS);
          asked.add(keys[row]);
          expected.add(row);
        } else {
          asked.add("key-" + random.nextInt(1_000_000) + "-absent");
        }
      }
      ParquetPointReads.Result result = ParquetPointReads.read(io, CONF, file, DIMS, asked, true, new FileTail.Checked());
      assertThat(result.hits()).extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
      for (ParquetPointReads.Hit hit : result.hits()) {
        assertThat(hit.key()).isEqualTo(keys[hit.position()]);
        float[] v = new float[DIMS];
        System.arraycopy(vectors, hit.position() * DIMS, v, 0, DIMS);
        assertThat(hit.vector()).containsExactly(v);
      }
      assertThat(ParquetPointReads.read(io, CONF, file, DIMS, asked, false, new FileTail.Checked()).hits())
          .extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
    }
  }

  /** The rows of {@code wanted} in the first row group of a file, read directly. */
  private static List<DirectPageRows.Found> directly(Path file, Set<String> wanted, float[] vectors)
      throws Exception {
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), CONF))) {
      reader.setRequestedSchema(ParquetDataFiles.SCHEMA);
      DirectPageRows direct = new DirectPageRows(
          ParquetDataFiles.SCHEMA.getColumns().get(0), ParquetDataFiles.SCHEMA.getColumns().get(1), DIMS);
      Set<Binary> binaries = new java.util.HashSet<>();
      wanted.forEach(k -> binaries.add(Binary.fromString(k)));
      List<float[]> found = new ArrayList<>();
      List<DirectPageRows.Found> rows = direct.read(reader.readRowGroup(0), binaries, found);
      for (int i = 0; i < rows.size(); i++) {
        int row = (int) rows.get(i).row();
        assertThat(rows.get(i).key()).isEqualTo(keys[row]);
        float[] v = new float[DIMS];
        System.arraycopy(vectors, row * DIMS, v, 0, DIMS);
        assertThat(found.get(i)).containsExactly(v);
      }
      return rows;
    }
  }

  /** The rows written by parquet-mr's generic writer, several row groups, with page index and key bloom filter. */
  private static DataFile parquetMr(
      String name, WriterVersion version, boolean dictionary, int pageRows, float[] vectors) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
    GenericWriterFiles.write(path, CONF, keys, vectors, DIMS, b -> b.withWriterVersion(version)
        .withDictionaryEncoding(dictionary).withPageRowCountLimit(pageRows).withRowGroupSize(40_000L)
        .withBloomFilterEnabled(ParquetDataFiles.KEY, true));
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, CONF))) {
      assertThat(reader.getRowGroups()).as("several row groups").hasSizeGreaterThan(1);
      assertThat(reader.getRowGroups().get(0).getColumns().get(1).hasDictionaryPage()).isEqualTo(dictionary);
    }
    return new DataFile(name, 0, ROWS, Files.size(dir.resolve(name)), keys[0], keys[ROWS - 1], null);
  }
}
