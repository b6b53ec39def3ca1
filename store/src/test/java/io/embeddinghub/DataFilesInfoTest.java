package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.log.KeyOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataFiles()} reports what is on disk and what the version still reads. */
class DataFilesInfoTest {
  @Test
  void dataFilesMatchTheFileSystemAndTheLiveRows(@TempDir Path dir) throws Exception {
    Space space = EmbeddingHub.open(dir.toUri().toString()).createSpace(SpaceSpec.builder("s", 4).buckets(3).build());
    Random random = new Random(1);
    Map<String, float[]> model = new HashMap<>();
    for (int w = 0; w < 3; w++) {
      Map<String, float[]> batch = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        batch.put("k" + (w * 20 + i), new float[] {random.nextFloat(), 1, 2, 3}); // overlaps the write before
      }
      space.multiset(batch);
      model.putAll(batch);
    }
    space.delete("k0");
    model.remove("k0");

    List<DataFileInfo> files = space.dataFiles();
    assertThat(files).hasSize(3 * 3);
    assertThat(files.stream().mapToLong(DataFileInfo::liveRows).sum()).isEqualTo(model.size());
    assertThat(files.stream().mapToLong(DataFileInfo::rows).sum()).isEqualTo(3 * 40);
    for (int i = 0; i < files.size(); i++) {
      DataFileInfo f = files.get(i);
      assertThat(Files.size(dir.resolve(f.path()))).as(f.path()).isEqualTo(f.sizeBytes());
      assertThat(f.path()).contains(String.format("bucket=%04d", f.bucket()));
      assertThat(KeyOrder.compare(f.minKey(), f.maxKey())).isLessThanOrEqualTo(0);
      if (i > 0) {
        DataFileInfo previous = files.get(i - 1);
        assertThat(previous.bucket() < f.bucket()
            || previous.bucket() == f.bucket() && KeyOrder.compare(previous.minKey(), f.minKey()) <= 0).isTrue();
      }
    }
  }
}
