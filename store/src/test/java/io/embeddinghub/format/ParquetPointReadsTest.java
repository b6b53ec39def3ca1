package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.CorruptFileException;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point reads against the rows a file was written from (the oracle: key → position, vector), and
 * proof that pages and row groups are skipped: rows decoded per lookup, read from the reader.
 */
class ParquetPointReadsTest {
  private static final int DIMS = 8;
  private static final int ROWS = 40_000;

  @TempDir static Path dir;
  private static HadoopFileIO io;
  private static final Configuration CONF = new Configuration();
  private static DataFile file;
  private static String[] keys;
  private static float[] vectors;
  private static final Map<String, Integer> POSITION = new HashMap<>();

  @BeforeAll
  static void writeFile() throws IOException {
    io = new HadoopFileIO(dir.toUri(), CONF);
    Random random = new Random(7);
    TreeSet<String> sorted = new TreeSet<>(KeyOrder.COMPARATOR);
    while (sorted.size() < ROWS) {
      sorted.add("k" + random.nextInt(10_000_000) + (random.nextInt(50) == 0 ? "\uD83D\uDE00" : ""));
    }
    keys = sorted.toArray(String[]::new);
    vectors = new float[ROWS * DIMS];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = random.nextFloat();
    }
    for (int i = 0; i < ROWS; i++) {
      POSITION.put(keys[i], i);
    }
    file = ParquetDataFiles.write(io, CONF, "data/bucket=0000/f.parquet", 0, keys, vectors, DIMS);
  }

  private static float[] vectorOf(int row) {
    float[] v = new float[DIMS];
    System.arraycopy(vectors, row * DIMS, v, 0, DIMS);
    return v;
  }

  @Test
  void findsExactlyThePresentKeysWithPositionsAndVectors() {
    Random random = new Random(11);
    for (int round = 0; round < 30; round++) {
      List<String> asked = new ArrayList<>();
      int n = 1 + random.nextInt(round < 10 ? 3 : 300);
      for (int i = 0; i < n; i++) {
        asked.add(random.nextBoolean() ? keys[random.nextInt(ROWS)] : "k" + random.nextInt(10_000_000) + "x");
      }
      ParquetPointReads.Result result = ParquetPointReads.read(io, CONF, file, DIMS, asked, true, new FileTail.Checked());
      TreeSet<Integer> expected = new TreeSet<>();
      for (String k : asked) {
        if (POSITION.containsKey(k)) {
          expected.add(POSITION.get(k));
        }
      }
      assertThat(result.hits()).extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
      for (ParquetPointReads.Hit hit : result.hits()) {
        assertThat(hit.key()).isEqualTo(keys[hit.position()]);
        assertThat(hit.vector()).containsExactly(vectorOf(hit.position()));
      }
      ParquetPointReads.Result keysOnly = ParquetPointReads.read(io, CONF, file, DIMS, asked, false, new FileTail.Checked());
      assertThat(keysOnly.hits()).extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
      assertThat(keysOnly.hits()).allSatisfy(h -> assertThat(h.vector()).isNull());
    }
  }

  @Test
  void oneKeyDecodesOnePageNotTheFile() {
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      int row = random.nextInt(ROWS);
      ParquetPointReads.Result result = ParquetPointReads.read(io, CONF, file, DIMS, List.of(keys[row]), true, new FileTail.Checked());
      assertThat(result.hits()).extracting(ParquetPointReads.Hit::position).containsExactly(row);
      assertThat(result.rowsDecoded()).isBetween(1L, (long) PointReadLayout.PAGE_ROWS);
    }
  }

  @Test
  void absentKeysAreMostlyRejectedByTheBloomFilterWithoutDecodingAPage() {
    Random random = new Random(5);
    int decodedNothing = 0;
    int tries = 200;
    for (int i = 0; i < tries; i++) {
      String absent = keys[random.nextInt(ROWS - 1)] + "0absent"; // inside the file's key range
      ParquetPointReads.Result result = ParquetPointReads.read(io, CONF, file, DIMS, List.of(absent), true, new FileTail.Checked());
      assertThat(result.hits()).isEmpty();
      if (result.rowsDecoded() == 0) {
        decodedNothing++;
      }
    }
    // without the bloom filter every lookup would decode the key's page (FPP 1%)
    assertThat(decodedNothing).isGreaterThanOrEqualTo(tries * 9 / 10);
    ParquetPointReads.Result outside = ParquetPointReads.read(io, CONF, file, DIMS, List.of("zzz"), true, new FileTail.Checked());
    assertThat(outside.rowsDecoded()).isZero();
  }

  @Test
  void fileHasBloomFilterAndPageIndexAndManyPages() throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(io.location(file.path())), CONF))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          assertThat(column.getColumnIndexReference()).as("column index of %s", column.getPath()).isNotNull();
          assertThat(column.getOffsetIndexReference()).as("offset index of %s", column.getPath()).isNotNull();
          OffsetIndex pages = reader.readOffsetIndex(column);
          assertThat(pages.getPageCount()).isGreaterThan(1);
          for (int p = 0; p + 1 < pages.getPageCount(); p++) {
            assertThat(pages.getFirstRowIndex(p + 1) - pages.getFirstRowIndex(p))
                .isLessThanOrEqualTo(PointReadLayout.PAGE_ROWS);
          }
        }
        ColumnChunkMetaData key = block.getColumns().get(0);
        assertThat(key.getPath().toDotString()).isEqualTo("key");
        BloomFilter bloom = reader.readBloomFilter(key);
        assertThat(bloom).isNotNull();
        assertThat(bloom.findHash(bloom.hash(org.apache.parquet.io.api.Binary.fromString(keys[0])))).isTrue();
      }
    }
  }

  @Test
  void fileStaysPlainParquetForParquetMrsExampleReader() throws IOException {
    int row = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(
        new GroupReadSupport(), new org.apache.hadoop.fs.Path(io.location(file.path()))).withConf(CONF).build()) {
      for (Group g = reader.read(); g != null; g = reader.read(), row++) {
        assertThat(g.getString("key", 0)).isEqualTo(keys[row]);
        Group list = g.getGroup("embedding", 0);
        assertThat(list.getFieldRepetitionCount("list")).isEqualTo(DIMS);
        for (int d = 0; d < DIMS; d++) {
          assertThat(list.getGroup("list", d).getFloat("element", 0)).isEqualTo(vectors[row * DIMS + d]);
        }
      }
    }
    assertThat(row).isEqualTo(ROWS);
  }

  @Test
  void aTruncatedFileIsCorruptNamingIt() throws IOException {
    DataFile wrongLength = new DataFile(file.path(), 0, file.rows(), file.sizeBytes() + 1, file.minKey(), file.maxKey(), null);
    assertThatThrownBy(() -> ParquetPointReads.read(io, CONF, wrongLength, DIMS, List.of(keys[0]), true, new FileTail.Checked()))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("f.parquet")
        .hasMessageContaining("length");
    DataFile missing = new DataFile("data/bucket=0000/gone.parquet", 0, 1, 10, "a", "b", null);
    assertThatThrownBy(() -> ParquetPointReads.read(io, CONF, missing, DIMS, List.of("a"), true, new FileTail.Checked()))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("gone.parquet");
  }
}
