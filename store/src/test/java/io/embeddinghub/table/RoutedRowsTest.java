package io.embeddinghub.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RoutedRows} against a sorted map of the rows added: every row once, in (file, position) order. */
class RoutedRowsTest {
  private static final int DIMS = 5;

  @Test
  void rowsInAnyOrderComeBackSortedAndExact(@TempDir Path dir) throws Exception {
    Random random = new Random(3);
    // (tail file, position) -> (key, vector): the model
    TreeMap<Long, Map.Entry<String, float[]>> model = new TreeMap<>();
    List<int[]> at = new ArrayList<>();
    for (int file = 0; file < 7; file++) {
      for (int position = 0; position < 900; position++) {
        if (random.nextInt(3) == 0) {
          at.add(new int[] {file, position});
        }
      }
    }
    at.add(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}); // the largest sort key
    Collections.shuffle(at, random);
    float[] reused = new float[DIMS];
    try (RoutedRows rows = new RoutedRows(DIMS, dir)) {
      for (int[] a : at) {
        String key = "k" + a[0] + "é" + a[1]; // non-ASCII: written as modified UTF-8
        for (int d = 0; d < DIMS; d++) {
          reused[d] = random.nextFloat() * 2 - 1;
        }
        model.put(((long) a[0] << 32) | a[1], Map.entry(key, reused.clone()));
        rows.add(a[0], a[1], key, reused);
      }
      assertThat(spoolFiles(dir)).as("the spool has no name while in use: a killed JVM leaves nothing").isEmpty();
      RoutedRows.Sorted sorted = rows.sorted();
      assertThat(sorted.count()).isEqualTo(model.size());
      assertThat(sorted.vectors()).hasSize(model.size() * DIMS);
      int slot = 0;
      for (Map.Entry<Long, Map.Entry<String, float[]>> e : model.entrySet()) {
        assertThat(sorted.tailFile()[slot]).isEqualTo((int) (e.getKey() >>> 32));
        assertThat(sorted.positions()[slot]).isEqualTo((int) (long) e.getKey());
        assertThat(sorted.keys()[slot]).isEqualTo(e.getValue().getKey());
        float[] vector = java.util.Arrays.copyOfRange(sorted.vectors(), slot * DIMS, (slot + 1) * DIMS);
        assertThat(vector).containsExactly(e.getValue().getValue());
        slot++;
      }
    }
    assertThat(spoolFiles(dir)).isEmpty();
  }

  @Test
  void keysOfAnyLengthAndScriptComeBackWhole(@TempDir Path dir) throws Exception {
    String longKey = "k".repeat(100_000) + "\u00e9\u4e2d\uD83D\uDE00"; // past writeUTF's 64 KiB
    float[] vector = new float[DIMS];
    try (RoutedRows rows = new RoutedRows(DIMS, dir)) {
      rows.add(1, 0, "short", vector);
      rows.add(0, 5, longKey, vector);
      RoutedRows.Sorted sorted = rows.sorted();
      assertThat(sorted.keys()).containsExactly(longKey, "short");
    }
  }

  @Test
  void noRowsGiveEmptyArrays(@TempDir Path dir) throws Exception {
    try (RoutedRows rows = new RoutedRows(DIMS, dir)) {
      RoutedRows.Sorted sorted = rows.sorted();
      assertThat(sorted.count()).isZero();
      assertThat(sorted.vectors()).isEmpty();
    }
    assertThat(spoolFiles(dir)).isEmpty();
  }

  @Test
  void aRowTwiceOrOfOtherDimensionsIsRefusedAndTheSpoolDeleted(@TempDir Path dir) throws Exception {
    try (RoutedRows rows = new RoutedRows(DIMS, dir)) {
      assertThatThrownBy(() -> rows.add(0, 1, "a", new float[DIMS + 1])).isInstanceOf(IllegalArgumentException.class);
      rows.add(2, 1, "a", new float[DIMS]);
      rows.add(2, 1, "b", new float[DIMS]);
      assertThatThrownBy(rows::sorted).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }
    assertThat(spoolFiles(dir)).isEmpty();
  }

  private static List<Path> spoolFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
