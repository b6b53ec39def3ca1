package io.embeddinghub;

import static io.embeddinghub.NearestNeighborsTest.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.HeapFloatRows;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.index.MappedFloatRows;
import io.embeddinghub.index.PartitionIndex;
import io.embeddinghub.testing.BruteForceKnn;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub written by the library at commit 8e0b32d, whose index files are of format 2 (float rows
 * inline, no codes), kept in {@code src/test/resources/compat/index-format-2} (written by
 * {@code compat/Format2Hub.java.txt}): it verifies, answers nearest-neighbor queries from its
 * format-2 partitions as the brute-force oracle does, and a new build beside them writes format 3.
 */
class IndexFormatCompatibilityTest {
  private static final int DIMS = 8;
  private static final int ROWS = 300;

  @TempDir Path dir;

  /** The fixture's rows, as {@code Format2Hub} wrote them. */
  private static float[] vector(int row) {
    float[] v = new float[DIMS];
    for (int j = 0; j < DIMS; j++) {
      v[j] = ((row * 31 + j * 17) % 101) / 101f - 0.5f + (row % 7) * 0.01f;
    }
    return v;
  }

  @Test
  void format2PartitionsAreReadAndNewBuildsWriteTheCurrentFormat() throws Exception {
    Path hubDir = copyFixture();
    EmbeddingHub hub = EmbeddingHub.open(hubDir.toUri().toString());
    for (Metric metric : new Metric[] {Metric.L2, Metric.COSINE}) {
      String name = "format2_" + metric.id();
      Map<String, float[]> model = new LinkedHashMap<>();
      for (int i = 0; i < ROWS; i++) {
        model.put(String.format("k%03d", i), vector(i));
      }
      Space space = hub.getSpace(name);
      List<IndexPartitionInfo> partitions = space.indexPartitions();
      assertThat(partitions).as(name).hasSize(1);
      assertThat(formatVersion(hubDir, partitions.get(0).path())).isEqualTo(2);
      VerifyResult verified = space.verify();
      assertThat(verified.ok()).as("%s: %s", name, verified.problems()).isTrue();

      assertAnswersAsTheOracle(space, model, metric, name + ", format 2");
      PartitionIndex loaded = hub.context().indexCache().get(partitions.get(0).path(), () -> {
        throw new AssertionError("the format-2 partition was not loaded");
      });
      assertThat(loaded.index().floatRows()).isInstanceOf(HeapFloatRows.class);

      Map<String, float[]> more = new LinkedHashMap<>();
      for (int i = ROWS; i < ROWS + 200; i++) { // above the index's 128-row minimum
        more.put(String.format("k%03d", i), vector(i));
      }
      space.multiset(more);
      model.putAll(more);
      space.buildIndex();
      List<IndexPartitionInfo> after = space.indexPartitions();
      IndexPartitionInfo newest = after.stream().filter(p -> !partitions.contains(p)).findFirst()
          .orElseThrow(() -> new AssertionError(name + ": buildIndex wrote no partition"));
      assertThat(formatVersion(hubDir, newest.path())).isEqualTo(IndexFile.formatVersion(FlatHnswIndex.Walk.forDimensions(DIMS)));
      EmbeddingHub reopened = EmbeddingHub.open(hubDir.toUri().toString());
      Space again = reopened.getSpace(name);
      assertAnswersAsTheOracle(again, model, metric, name + ", after a format-3 build");
      PartitionIndex newLoaded = reopened.context().indexCache().get(newest.path(), () -> {
        throw new AssertionError("the new partition was not loaded");
      });
      assertThat(newLoaded.index().floatRows()).isInstanceOf(MappedFloatRows.class);
      assertThat(again.verify().ok()).isTrue();
    }
  }

  private static void assertAnswersAsTheOracle(Space space, Map<String, float[]> model, Metric metric, String why) {
    Random random = new Random(11);
    for (int i = 0; i < 20; i++) {
      float[] q = vector(random.nextInt(ROWS));
      for (int d = 0; d < DIMS; d++) {
        q[d] += (float) random.nextGaussian() * 0.05f;
      }
      List<Neighbor> answer = space.nearestNeighbors(10, q, SearchOptions.withEf(2 * model.size()));
      List<BruteForceKnn.Hit> expected = BruteForceKnn.nearest(metric, model, q, 10, null);
      assertThat(keys(answer)).as("%s, query %d", why, i).containsExactlyElementsOf(BruteForceKnn.keys(expected));
      for (int j = 0; j < answer.size(); j++) {
        assertThat((double) answer.get(j).distance()).as(why).isCloseTo(expected.get(j).distance(), Offset.offset(1e-5));
      }
    }
  }

  private static int formatVersion(Path hubDir, String relative) throws IOException {
    byte[] header = new byte[12];
    try (var in = Files.newInputStream(hubDir.resolve(relative))) {
      assertThat(in.readNBytes(header, 0, 12)).isEqualTo(12);
    }
    return ByteBuffer.wrap(header, 8, 4).getInt();
  }

  private Path copyFixture() throws IOException, URISyntaxException {
    Path fixture = Path.of(getClass().getResource("/compat/index-format-2").toURI());
    Path target = dir.resolve("hub");
    try (Stream<Path> files = Files.walk(fixture)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(fixture.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }
}
