package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point reads of many keys at once from a file of several row groups whose keys are partly longer
 * than the page index's 64-byte truncation of min/max values (so page bounds are prefixes), against
 * a HashMap model of the written rows (key → position and vector): exactly the present keys come
 * back, with their positions and vectors, and for keys short enough to be told apart by the page
 * bounds no more than one page is decoded per asked key.
 */
@Tag("slow") // a 70,000 x 64-d file of three row groups: ~20 s alone on 2 cores
class ParquetPointReadsRowGroupsTest {
  private static final int DIMS = 64;
  private static final int ROWS = 70_000;

  @TempDir static Path dir;
  private static HadoopFileIO io;
  private static final Configuration CONF = new Configuration();
  private static DataFile file;
  private static String[] keys;
  private static final Map<String, Integer> POSITION = new HashMap<>();
  private static final Map<String, float[]> MODEL = new HashMap<>();

  @BeforeAll
  static void writeFile() throws IOException {
    io = new HadoopFileIO(dir.toUri(), CONF);
    Random random = new Random(17);
    String longPrefix = "p".repeat(70);
    TreeSet<String> sorted = new TreeSet<>(KeyOrder.COMPARATOR);
    while (sorted.size() < ROWS) {
      int n = random.nextInt(100_000_000);
      // a third of the keys share a 70-byte prefix: their page bounds are truncated to it
      sorted.add(random.nextInt(3) == 0 ? longPrefix + n : "k" + n);
    }
    keys = sorted.toArray(String[]::new);
    float[] vectors = new float[ROWS * DIMS];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = random.nextFloat();
    }
    for (int i = 0; i < ROWS; i++) {
      POSITION.put(keys[i], i);
      float[] v = new float[DIMS];
      System.arraycopy(vectors, i * DIMS, v, 0, DIMS);
      MODEL.put(keys[i], v);
    }
    file = ParquetDataFiles.write(io, CONF, "data/bucket=0000/multi.parquet", 0, keys, vectors, DIMS);
  }

  @Test
  void theFileHasSeveralRowGroups() throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(io.location(file.path())), CONF))) {
      assertThat(reader.getFooter().getBlocks()).hasSizeGreaterThan(1);
    }
  }

  @Test
  void manyKeysAcrossRowGroupsAnswerAsTheModel() {
    Random random = new Random(23);
    for (int round = 0; round < 8; round++) {
      int n = round < 2 ? 1 + random.nextInt(5) : 200 + random.nextInt(2_000);
      List<String> asked = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int pick = random.nextInt(4);
        String present = keys[random.nextInt(ROWS)];
        while (round % 2 == 0 && present.length() > 64) { // even rounds: short keys only
          present = keys[random.nextInt(ROWS)];
        }
        asked.add(pick == 0 ? present + "x" : pick == 1 ? present.substring(0, present.length() - 1) : present);
      }
      Set<String> distinct = new HashSet<>(asked);
      TreeSet<Integer> expected = new TreeSet<>();
      for (String k : distinct) {
        if (MODEL.containsKey(k)) {
          expected.add(POSITION.get(k));
        }
      }
      ParquetPointReads.Result result = ParquetPointReads.read(io, CONF, file, DIMS, asked, true, new FileTail.Checked());
      assertThat(result.hits()).extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
      for (ParquetPointReads.Hit hit : result.hits()) {
        assertThat(MODEL).containsKey(hit.key());
        assertThat(hit.position()).isEqualTo(POSITION.get(hit.key()));
        assertThat(hit.vector()).containsExactly(MODEL.get(hit.key()));
      }
      if (round % 2 == 0) { // (a long key's page bounds are its truncated prefix, shared by many pages)
        assertThat(result.rowsDecoded()).isLessThanOrEqualTo((long) distinct.size() * PointReadLayout.PAGE_ROWS);
      }
      ParquetPointReads.Result keysOnly = ParquetPointReads.read(io, CONF, file, DIMS, asked, false, new FileTail.Checked());
      assertThat(keysOnly.hits()).extracting(ParquetPointReads.Hit::position).containsExactlyElementsOf(expected);
      assertThat(keysOnly.hits()).allSatisfy(h -> assertThat(h.vector()).isNull());
    }
  }

  @Test
  void pagesOfKeysKeepsOnlyThePagesHoldingTheKeys() {
    Random random = new Random(29);
    for (int i = 0; i < 20; i++) {
      int row = random.nextInt(ROWS);
      if (keys[row].length() > 64) {
        continue;
      }
      ParquetPointReads.Result one = ParquetPointReads.read(io, CONF, file, DIMS, List.of(keys[row]), true, new FileTail.Checked());
      assertThat(one.hits()).extracting(ParquetPointReads.Hit::position).containsExactly(row);
      assertThat(one.rowsDecoded()).isBetween(1L, (long) PointReadLayout.PAGE_ROWS);
    }
  }
}
