package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.format.VectorLocations;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.IndexCache;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.index.MappedFloatRows;
import io.embeddinghub.index.PartitionIndex;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.FaultyFileIO;
import io.embeddinghub.testing.TestHubs;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compact index of issue #25 on a space with default settings: an index file holds the graph
 * and one-byte codes but no float copy of the vectors (at most half their bytes), a loaded
 * partition reads its float rows in place from the data files (at most 0.35x the vectors on the
 * heap), answers keep exact distances and the brute-force oracle's recall, the same partition
 * copied into a mapped temporary file through a non-local file system answers identically, and a data file whose
 * floats differ from the index's codes is refused as corrupt.
 */
class CompactIndexTest {
  private static final int DIMS = 768;
  private static final int ROWS = 1_200;
  private static final int QUERIES = 20;

  private final TestHubs hubs = TestHubs.local();

  /**
   * Rows around 10 centres that overlap (centres and rows spread alike): a graph over well
   * separated clusters can leave a cluster unreachable, which would say nothing of this index.
   */
  private static Map<String, float[]> overlappingClusters(Random random, int rows) {
    float[][] centres = new float[10][DIMS];
    for (float[] c : centres) {
      for (int d = 0; d < DIMS; d++) {
        c[d] = (float) random.nextGaussian();
      }
    }
    Map<String, float[]> model = new java.util.LinkedHashMap<>();
    for (int i = 0; i < rows; i++) {
      float[] c = centres[random.nextInt(centres.length)];
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = c[d] + (float) random.nextGaussian() * 0.7f;
      }
      model.put("k" + i, v);
    }
    return model;
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void loadedPartitionsReadTheirFloatsFromTheDataFiles(Metric metric) throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> model = overlappingClusters(new Random(25), ROWS);
    Space written = hub.createSpace(SpaceSpec.builder("s", DIMS).metric(metric).build());
    written.multiset(model);
    written.buildIndex();
    long rawBytes = (long) ROWS * DIMS * Float.BYTES;
    List<IndexPartitionInfo> partitions = written.indexPartitions();
    assertThat(partitions).isNotEmpty();
    long indexBytes = partitions.stream().mapToLong(IndexPartitionInfo::sizeBytes).sum();
    assertThat(indexBytes).as("index file bytes against the raw vectors' %d", rawBytes).isLessThanOrEqualTo(rawBytes / 2);

    EmbeddingHub fresh = hubs.reopen(hub); // nothing cached: partitions are read from their files
    Space space = fresh.getSpace("s");
    Random random = new Random(7);
    List<float[]> queries = new ArrayList<>();
    List<String> modelKeys = new ArrayList<>(model.keySet());
    for (int i = 0; i < QUERIES; i++) {
      float[] q = model.get(modelKeys.get(random.nextInt(ROWS))).clone();
      for (int d = 0; d < DIMS; d++) {
        q[d] += (float) random.nextGaussian() * 0.5f;
      }
      queries.add(q);
    }
    int found = 0;
    List<List<Neighbor>> answers = new ArrayList<>();
    for (float[] q : queries) {
      List<Neighbor> approx = space.nearestNeighbors(10, q);
      answers.add(approx);
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(metric, model, q, 10, null));
      for (Neighbor n : approx) {
        found += truth.contains(n.key()) ? 1 : 0;
        double exact = BruteForceKnn.distance(metric, q, model.get(n.key()));
        assertThat((double) n.distance()).as("%s distance of %s", metric, n.key())
            .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(exact))));
      }
      assertThat(approx).as("%s: nearest first by the exact distances", metric)
          .isSortedAccordingTo(java.util.Comparator.comparingDouble(Neighbor::distance));
    }
    assertThat(found / (10.0 * QUERIES)).as("%s recall@10", metric).isGreaterThanOrEqualTo(0.9);

    IndexCache cache = fresh.context().indexCache();
    for (IndexPartitionInfo info : partitions) {
      PartitionIndex loaded = cache.get(info.path(), () -> {
        throw new AssertionError(info.path() + " was not loaded by the queries");
      });
      assertThat(loaded.index().floatRows()).isInstanceOf(MappedFloatRows.class);
    }
    assertThat(cache.bytes()).as("heap of the loaded partitions against the raw vectors' %d", rawBytes)
        .isLessThanOrEqualTo((long) (0.35 * rawBytes));

    // through a file system that is not local, the rows are copied off the heap: same answers
    EmbeddingHub remote = EmbeddingHub.open(
        new FaultyFileIO(new HadoopFileIO(URI.create(hub.root()), hubs.conf())), hubs.conf());
    Space remoteSpace = remote.getSpace("s");
    for (int i = 0; i < QUERIES; i++) {
      assertThat(remoteSpace.nearestNeighbors(10, queries.get(i))).as("%s query %d", metric, i)
          .containsExactlyElementsOf(answers.get(i));
    }
    for (IndexPartitionInfo info : partitions) {
      PartitionIndex loaded = remote.context().indexCache().get(info.path(), () -> {
        throw new AssertionError(info.path() + " was not loaded");
      });
      assertThat(loaded.index().floatRows()).isInstanceOf(MappedFloatRows.class);
    }
    assertThat(remote.loadedIndexBytes()).as("heap of the partitions copied from a non-local file system")
        .isLessThanOrEqualTo((long) (0.35 * rawBytes));
  }

  /**
   * {@code embeddinghub.index.codes} picks the walk against {@code auto}'s choice by dimension, in
   * both directions; the file carries its format, and a reopened hub walks what the file holds and
   * answers with the oracle's neighbours and exact distances.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"int8, 768, INT8", "int4, 48, INT4", "auto, 768, INT4", "auto, 48, INT8"})
  void theCodeWidthSettingPicksTheWalkAndTheFileFormat(String setting, int dims, FlatHnswIndex.Walk walk)
      throws Exception {
    Configuration conf = new Configuration(false);
    conf.set(HubProperties.INDEX_CODES, setting);
    EmbeddingHub hub = hubs.newHub(conf);
    Random random = new Random(dims);
    Map<String, float[]> model = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 600; i++) {
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = (float) random.nextGaussian();
      }
      model.put("k" + i, v);
    }
    Space written = hub.createSpace("s", dims);
    written.multiset(model);
    written.buildIndex();
    IndexPartitionInfo info = written.indexPartitions().get(0);
    byte[] bytes = hubs.read(hub, info.path());
    assertThat(ByteBuffer.wrap(bytes, 8, 4).getInt()).as("format of a %s partition", walk)
        .isEqualTo(walk == FlatHnswIndex.Walk.INT4 ? 4 : 3)
        .isEqualTo(IndexFile.formatVersion(walk));

    EmbeddingHub fresh = hubs.reopen(hub);
    Space space = fresh.getSpace("s");
    int found = 0;
    for (int q = 0; q < QUERIES; q++) {
      float[] query = model.get("k" + random.nextInt(model.size())).clone();
      query[0] += 0.1f;
      List<Neighbor> approx = space.nearestNeighbors(10, query);
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
      for (Neighbor n : approx) {
        found += truth.contains(n.key()) ? 1 : 0;
        double exact = BruteForceKnn.distance(Metric.L2, query, model.get(n.key()));
        assertThat((double) n.distance()).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, exact)));
      }
    }
    assertThat(found / (10.0 * QUERIES)).as("recall@10, %s walk of %d dimensions", walk, dims)
        .isGreaterThanOrEqualTo(0.9);
    PartitionIndex loaded = fresh.context().indexCache().get(info.path(), () -> {
      throw new AssertionError(info.path() + " was not loaded by the queries");
    });
    assertThat(loaded.index().walk()).isEqualTo(walk);
  }

  @Test
  void anUnknownCodeWidthIsRefusedNamingTheSetting() {
    Configuration conf = new Configuration(false);
    conf.set(HubProperties.INDEX_CODES, "int2");
    assertThatThrownBy(() -> hubs.newHub(conf)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(HubProperties.INDEX_CODES).hasMessageContaining("'int2'");
  }

  @Test
  void aDataFileWhoseFloatsDifferFromTheCodesIsRefused() throws Exception {
    Metric metric = Metric.L2;
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> model = overlappingClusters(new Random(3), 400);
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).metric(metric).build());
    space.multiset(model);
    space.buildIndex();
    IndexPartitionInfo info = space.indexPartitions().get(0);
    SpaceState state = space.snapshot().reader().state();
    IndexPartition entry = state.partition(info.path());
    IndexBuild build = state.indexBuild(info.build());
    HadoopFileIO io = new HadoopFileIO(URI.create(hub.root()), hubs.conf());
    // every row of every data file gets other floats, the file keeping its length
    for (String path : build.dataFiles()) {
      DataFile file = state.file(path).file();
      long[] offsets = VectorLocations.of(io, new Configuration(), file, DIMS);
      assertThat(offsets).as("locations of %s", path).isNotNull();
      byte[] bytes = hubs.read(hub, path);
      ByteBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (long offset : offsets) {
        for (int d = 0; d < DIMS; d++) {
          int at = (int) offset + d * Float.BYTES;
          floats.putFloat(at, floats.getFloat(at) + 50f);
        }
      }
      hubs.write(hub, path, bytes);
    }
    assertThatThrownBy(() -> IndexFile.read(io, entry, build, metric, DIMS))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining(info.path())
        .hasMessageContaining("do not match the row's codes");
  }
}
