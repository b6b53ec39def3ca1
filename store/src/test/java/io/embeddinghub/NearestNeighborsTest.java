package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.index.ExactIndex;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.GraphBuilders;
import io.embeddinghub.index.IndexedRows;
import io.embeddinghub.index.RowHit;
import io.embeddinghub.index.ScalarKernels;
import io.embeddinghub.index.VectorKernels;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.TestHubs;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nearest neighbors on spaces, snapshots and local spaces, against a brute-force oracle. */
class NearestNeighborsTest {
  private final TestHubs hubs = TestHubs.local();

  // ---- the original EmbeddingHub cases ----

  @Test
  void originalCasesOnSpaceSnapshotAndLocalSpace() {
    Space space = hubs.newHub().createSpace("abc", 3);
    space.multiset(Map.of("a", new float[] {0, 1, 0}, "b", new float[] {1, 1, 0}, "c", new float[] {1, 0, 0}));
    for (ReadableSpace s : List.<ReadableSpace>of(space, space.snapshot(), space.downloadSnapshot())) {
      assertThat(keys(s.nearestNeighbors(1, new float[] {0, 1, 0}))).containsExactly("a");
      assertThat(keys(s.nearestNeighbors(2, new float[] {0, 1, 0}))).containsExactly("a", "b");
      assertThat(s.nearestNeighbors(0, new float[] {0, 1, 0})).isEmpty();
    }
    long before = space.version();
    space.set("a", new float[] {0, -1, 0});
    assertThat(keys(space.nearestNeighbors(1, new float[] {0, 1, 0}))).containsExactly("b");
    assertThat(keys(space.snapshot(before).nearestNeighbors(1, new float[] {0, 1, 0}))).containsExactly("a");
    LocalSpace local = space.snapshot(before).download();
    local.set("a", new float[] {0, -1, 0});
    assertThat(keys(local.nearestNeighbors(1, new float[] {0, 1, 0}))).containsExactly("b");
  }

  @Test
  void byKeyLeavesTheKeyOut() {
    Space food = hubs.newHub().createSpace("food", 3);
    Map<String, float[]> data =
        Map.of(
            "apple", new float[] {1, 0, 0.1f},
            "orange", new float[] {0.9f, 0.1f, 0.1f},
            "potato", new float[] {0, 1, 0.2f},
            "chicken", new float[] {0, 0.1f, 1});
    food.multiset(data);
    assertThat(keys(food.nearestNeighbors(1, "apple"))).containsExactly("orange");
    assertThat(keys(food.nearestNeighbors(10, "apple")))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, data, data.get("apple"), 10, "apple"))
        .hasSize(3);
    assertThat(keys(food.downloadSnapshot().nearestNeighbors(3, "potato"))).doesNotContain("potato").hasSize(3);
    assertThatThrownBy(() -> food.nearestNeighbors(1, "banana")).isInstanceOf(KeyNotFoundException.class);
  }

  // ---- recall against brute force ----

  @Tag("slow") // recall per metric; the fast tier keeps recallAtTenOnRandomData
  @ParameterizedTest
  @EnumSource(Metric.class)
  void recallAtTenOnClusteredData(Metric metric) {
    assertRecall(metric, clustered(new Random(7), 4000, 24, 40), 0.95);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void recallAtTenOnRandomData(Metric metric) {
    assertRecall(metric, uniform(new Random(11), 3000, 12), 0.95);
  }

  private void assertRecall(Metric metric, Map<String, float[]> data, double minRecall) {
    int dims = data.values().iterator().next().length;
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("r", dims).metric(metric).buckets(2).build());
    space.multiset(data);
    LocalSpace local = space.downloadSnapshot();
    Random random = new Random(3);
    List<String> keys = new ArrayList<>(data.keySet());
    double spaceHits = 0;
    double localHits = 0;
    int queries = 60;
    for (int q = 0; q < queries; q++) {
      float[] query = data.get(keys.get(random.nextInt(keys.size()))).clone();
      query[random.nextInt(dims)] += 0.05f;
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(metric, data, query, 10, null));
      spaceHits += keys(space.nearestNeighbors(10, query)).stream().filter(truth::contains).count();
      localHits += keys(local.nearestNeighbors(10, query)).stream().filter(truth::contains).count();
    }
    assertThat(spaceHits / (queries * 10.0)).as("space recall@10, %s", metric).isGreaterThanOrEqualTo(minRecall);
    assertThat(localHits / (queries * 10.0)).as("local recall@10, %s", metric).isGreaterThanOrEqualTo(minRecall);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void exactSearchEqualsBruteForceIncludingTies(Metric metric) {
    Map<String, float[]> data = clustered(new Random(5), 600, 6, 10);
    data.put("tie-b", new float[] {3, 3, 3, 3, 3, 3});
    data.put("tie-a", new float[] {3, 3, 3, 3, 3, 3});
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("x", 6).metric(metric).buckets(3).build());
    space.multiset(data);
    float[] query = {3, 3, 3, 3, 3, 2.9f};
    List<String> expected = BruteForceKnn.nearestKeys(metric, data, query, 15, null);
    assertThat(keys(space.nearestNeighbors(15, query, SearchOptions.exactSearch()))).containsExactlyElementsOf(expected);
    assertThat(keys(space.downloadSnapshot().nearestNeighbors(15, query, SearchOptions.exactSearch())))
        .containsExactlyElementsOf(expected);
    List<Neighbor> byKey = space.nearestNeighbors(15, "tie-a", SearchOptions.exactSearch());
    assertThat(keys(byKey)).containsExactlyElementsOf(BruteForceKnn.nearestKeys(metric, data, data.get("tie-a"), 15, "tie-a"));
    if (metric != Metric.INNER_PRODUCT) { // identical vectors are nearest under L2 and cosine
      assertThat(byKey.get(0).key()).isEqualTo("tie-b");
    }
  }

  // ---- deletes, overwrites, versions ----

  @Test
  void neverReturnsDeletedOrStaleVectorsAndStillReturnsK() {
    Random random = new Random(21);
    Map<String, float[]> model = clustered(random, 2000, 8, 20);
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("d", 8).buckets(2).build());
    space.multiset(model);
    long firstVersion = space.version();
    Map<String, float[]> firstModel = copy(model);
    List<String> keys = new ArrayList<>(model.keySet());
    // delete 70% of the rows and move 10% far away, without optimize: lots of over-fetch
    List<String> deleted = keys.subList(0, 1400);
    space.multidelete(new ArrayList<>(deleted));
    deleted.forEach(model::remove);
    Map<String, float[]> moved = new HashMap<>();
    for (String k : keys.subList(1400, 1600)) {
      moved.put(k, new float[] {100, 100, 100, 100, 100, 100, 100, random.nextFloat()});
    }
    space.multiset(moved);
    model.putAll(moved);
    assertThat(space.size()).isEqualTo(model.size());

    for (ReadableSpace view : List.<ReadableSpace>of(space, hubs.reopen(space.hub()).getSpace("d"))) {
      for (int q = 0; q < 20; q++) {
        float[] query = firstModel.get(keys.get(random.nextInt(1400))); // near deleted rows
        List<Neighbor> found = view.nearestNeighbors(10, query);
        assertThat(found).hasSize(10);
        for (Neighbor n : found) {
          assertThat(model).containsKey(n.key());
          assertThat(n.distance()).isCloseTo(Metric.L2.distance(query, model.get(n.key())), org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
      assertThat(view.nearestNeighbors(1000, new float[8])).hasSize(600);
    }
    // time travel: the first version answers with its own rows
    SpaceSnapshot old = space.snapshot(firstVersion);
    float[] query = firstModel.get(keys.get(5));
    assertThat(keys(old.nearestNeighbors(10, query, SearchOptions.exactSearch())))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, firstModel, query, 10, null));
    assertThat(old.nearestNeighbors(2500, query)).hasSize(2000);
  }

  @Tag("slow") // compaction and a rebuild
  @Test
  void optimizeKeepsAnswersAndRebuildsIndexes() {
    Map<String, float[]> model = clustered(new Random(2), 1500, 8, 15);
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("o", 8).buckets(2).build());
    List<String> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < 5; i++) {
      Map<String, float[]> batch = new HashMap<>();
      keys.subList(i * 300, (i + 1) * 300).forEach(k -> batch.put(k, model.get(k)));
      space.multiset(batch);
    }
    space.multidelete(keys.subList(0, 100));
    keys.subList(0, 100).forEach(model::remove);
    OptimizeResult result = space.optimize();
    assertThat(result.filesAdded()).isEqualTo(2);
    float[] query = model.get(keys.get(500));
    assertThat(keys(space.nearestNeighbors(10, query, SearchOptions.exactSearch())))
        .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
    assertThat(hubs.listFiles(space.hub(), "o/index")).isNotEmpty();
  }

  // ---- corrupt and missing index files ----

  @Tag("slow") // damaged index files, one by one (as CorruptionTest)
  @Test
  void corruptOrMissingIndexFallsBackToExactResults() {
    Map<String, float[]> model = clustered(new Random(9), 1000, 8, 10);
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("c", 8).buckets(2)
        .indexParams(IndexParams.DEFAULT.withPartitionBytes(16 * 1024)).build());
    space.multiset(model);
    assertThat(space.buildIndex().partitionsAdded()).isEqualTo(2); // 32 KB of vectors, 16 KB a partition
    List<String> indexFiles = hubs.listFiles(hub, "c/index");
    assertThat(indexFiles).hasSize(2);
    byte[] bytes = hubs.read(hub, indexFiles.get(0));
    bytes[bytes.length / 2] ^= 0x5A;
    hubs.write(hub, indexFiles.get(0), bytes);
    hubs.delete(hub, indexFiles.get(1));

    Space fresh = hubs.reopen(hub).getSpace("c");
    Random random = new Random(1);
    List<String> keys = new ArrayList<>(model.keySet());
    for (int q = 0; q < 10; q++) {
      float[] query = model.get(keys.get(random.nextInt(keys.size())));
      assertThat(keys(fresh.nearestNeighbors(10, query)))
          .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
    }
    // optimize writes new files with new indexes; answers stay right
    space.set(keys.get(0), model.get(keys.get(0)));
    fresh.optimize();
    assertThat(fresh.nearestNeighbors(10, model.get(keys.get(3)))).hasSize(10);
  }

  // ---- index internals against their exact twin ----

  @Tag("slow") // filtered searches over two layouts
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"embeddinghub-flat", "hnswlib-core"})
  void hnswIndexAgreesWithItsExactTwinUnderAFilter(String builder) {
    Map<String, float[]> data = clustered(new Random(4), 2000, 16, 20);
    float[] flat = new float[2000 * 16];
    int i = 0;
    for (float[] v : data.values()) {
      System.arraycopy(v, 0, flat, 16 * i++, 16);
    }
    for (Metric metric : Metric.values()) {
      float[] prepared = IndexedRows.prepare(flat, 16, metric);
      io.embeddinghub.index.HnswGraph graph = GraphBuilders.named(builder).build(prepared, 16, metric, IndexParams.DEFAULT, 2);
      assertThat(graph.size()).isEqualTo(2000);
      int[] bfs = graph.breadthFirstOrder();
      assertThat(java.util.Arrays.stream(bfs).sorted().toArray()).as("a permutation").isEqualTo(java.util.stream.IntStream.range(0, 2000).toArray());
      FlatHnswIndex hnsw = new FlatHnswIndex(graph, prepared, 16, metric);
      ExactIndex exact = new ExactIndex(prepared, 16, metric);
      Random random = new Random(8);
      double hits = 0;
      for (int q = 0; q < 50; q++) {
        float[] query = IndexedRows.prepareQuery(data.values().stream().skip(random.nextInt(2000)).findFirst().get(), metric);
        java.util.function.IntPredicate odd = row -> row % 2 == 1; // reject half the rows
        List<RowHit> approx = hnsw.search(query, 10, 64, odd);
        List<RowHit> truth = exact.search(query, 10, 0, odd);
        assertThat(approx).allMatch(h -> h.row() % 2 == 1).hasSize(10);
        Set<Integer> truthRows = truth.stream().map(RowHit::row).collect(Collectors.toSet());
        hits += approx.stream().filter(h -> truthRows.contains(h.row())).count();
      }
      assertThat(hits / 500).as("recall under filter, %s, %s", metric, builder).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void simdKernelsMatchScalarKernels() {
    VectorKernels best = VectorKernels.best();
    VectorKernels scalar = new ScalarKernels();
    Random random = new Random(6);
    for (int dims : new int[] {1, 3, 7, 16, 17, 100, 784}) {
      float[] a = new float[dims + 5];
      float[] b = new float[dims + 9];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) random.nextGaussian();
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) random.nextGaussian();
      }
      float tolerance = 1e-4f * dims;
      assertThat(best.squaredL2(a, 5, b, 9, dims))
          .as("%s vs scalar, dims %d", best.name(), dims)
          .isCloseTo(scalar.squaredL2(a, 5, b, 9, dims), org.assertj.core.data.Offset.offset(tolerance));
      assertThat(best.dot(a, 5, b, 9, dims)).isCloseTo(scalar.dot(a, 5, b, 9, dims), org.assertj.core.data.Offset.offset(tolerance));
    }
    // surefire adds --add-modules jdk.incubator.vector, so the SIMD kernels are the ones tested
    assertThat(best.name()).startsWith("simd");
  }

  @Test
  void exactSumsHaveTheSameBitsOnEveryKernelAndMatchAnExactOracle() {
    VectorKernels best = VectorKernels.best();
    VectorKernels scalar = new ScalarKernels();
    Random random = new Random(16);
    int cases = 0;
    for (int dims : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 784, 1001}) {
      float[] a = new float[dims + 3];
      float[] b = new float[dims + 6];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
      }
      java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
      java.math.BigDecimal products = java.math.BigDecimal.ZERO;
      for (int i = 0; i < dims; i++) {
        java.math.BigDecimal x = new java.math.BigDecimal(a[3 + i]);
        java.math.BigDecimal y = new java.math.BigDecimal(b[6 + i]);
        squares = squares.add(x.subtract(y).pow(2));
        products = products.add(x.multiply(y));
      }
      double l2 = best.exactSquaredL2(a, 3, b, 6, dims);
      double dot = best.exactDot(a, 3, b, 6, dims);
      // the same bits as the plain loops: one distance per row, whichever JVM computed it
      assertThat(Double.doubleToRawLongBits(l2)).as("%s squared L2, dims %d", best.name(), dims)
          .isEqualTo(Double.doubleToRawLongBits(scalar.exactSquaredL2(a, 3, b, 6, dims)));
      assertThat(Double.doubleToRawLongBits(dot)).as("%s dot, dims %d", best.name(), dims)
          .isEqualTo(Double.doubleToRawLongBits(scalar.exactDot(a, 3, b, 6, dims)));
      // and within double rounding of the exact sums (the terms' magnitudes bound the error)
      double magnitude = 0;
      for (int i = 0; i < dims; i++) {
        magnitude += Math.abs((double) a[3 + i] * b[6 + i]) + Math.pow((double) a[3 + i] - b[6 + i], 2);
      }
      double tolerance = 1e-14 * Math.max(magnitude, Double.MIN_NORMAL);
      assertThat(l2).isCloseTo(squares.doubleValue(), org.assertj.core.data.Offset.offset(tolerance));
      assertThat(dot).isCloseTo(products.doubleValue(), org.assertj.core.data.Offset.offset(tolerance));
      cases++;
    }
    assertThat(cases).isEqualTo(14);
    assertThat(best.name()).startsWith("simd");
  }

  @Test
  void aRowThatDoesNotFitIsRefusedByEveryMetric() {
    for (Metric metric : Metric.values()) {
      assertThatThrownBy(() -> metric.distanceToRow(new float[4], new float[10], 7))
          .isInstanceOf(ArrayIndexOutOfBoundsException.class).hasMessageContaining("offset 7");
      assertThatThrownBy(() -> metric.distanceToRow(new float[4], new float[10], -1))
          .isInstanceOf(ArrayIndexOutOfBoundsException.class);
      // the last row that fits, equal to the query: distance 0 under all three (1 - 1 for the inner product)
      assertThat(metric.distanceToRow(new float[] {1, 0}, new float[] {9, 9, 1, 0}, 2)).isZero();
    }
  }

  @Test
  void localSpaceStaysExactKAcrossWritesBetweenQueries() {
    Map<String, float[]> model = clustered(new Random(12), 1500, 8, 12);
    LocalSpace local = new LocalSpace(SpaceSpec.builder("l", 8).build());
    local.multiset(model);
    Random random = new Random(13);
    List<String> keys = new ArrayList<>(model.keySet());
    for (int round = 0; round < 30; round++) {
      float[] query = model.get(keys.get(random.nextInt(keys.size())));
      List<Neighbor> found = local.nearestNeighbors(10, query);
      assertThat(found).hasSize(Math.min(10, model.size()));
      found.forEach(n -> assertThat(model).containsKey(n.key()));
      String victim = keys.get(random.nextInt(keys.size()));
      if (model.remove(victim) != null) {
        local.delete(victim);
      }
      String moved = keys.get(random.nextInt(keys.size()));
      float[] v = {50, 50, 50, 50, 50, 50, 50, round};
      model.put(moved, v);
      local.set(moved, v);
      assertThat(keys(local.nearestNeighbors(1, new float[] {50, 50, 50, 50, 50, 50, 50, round}))).containsExactly(moved);
    }
  }

  // ---- helpers ----

  static List<String> keys(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).collect(Collectors.toList());
  }

  static Map<String, float[]> clustered(Random random, int n, int dims, int clusters) {
    float[][] centers = new float[clusters][dims];
    for (float[] c : centers) {
      for (int i = 0; i < dims; i++) {
        c[i] = (float) (random.nextGaussian() * 4);
      }
    }
    Map<String, float[]> data = new LinkedHashMap<>();
    for (int j = 0; j < n; j++) {
      float[] c = centers[random.nextInt(clusters)];
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = c[i] + (float) random.nextGaussian();
      }
      data.put("k" + j, v);
    }
    return data;
  }

  static Map<String, float[]> uniform(Random random, int n, int dims) {
    Map<String, float[]> data = new LinkedHashMap<>();
    for (int j = 0; j < n; j++) {
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = random.nextFloat() * 2 - 1;
      }
      data.put("k" + j, v);
    }
    return data;
  }

  private static Map<String, float[]> copy(Map<String, float[]> m) {
    return new LinkedHashMap<>(m);
  }
}
