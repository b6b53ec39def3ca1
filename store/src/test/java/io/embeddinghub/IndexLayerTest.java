package io.embeddinghub;

import static io.embeddinghub.NearestNeighborsTest.clustered;
import static io.embeddinghub.NearestNeighborsTest.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LogJson;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.FaultyFileIO;
import io.embeddinghub.testing.TestHubs;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index layer: writes build no graphs, {@code buildIndex} covers the unindexed tail with
 * partitions (one, or several split by a coarse quantizer), queries merge partitions and the tail
 * into exact-k answers that are never stale, and index files are checked against the log. Oracle:
 * brute force over a HashMap model.
 */
class IndexLayerTest {
  private static final int DIMS = 16;
  /** 16-d vectors are 64 bytes: 2,000 rows make 125 KB, so this splits them into 4 partitions. */
  private static final IndexParams SMALL_PARTITIONS = IndexParams.DEFAULT.withPartitionBytes(32 * 1024);

  private final TestHubs hubs = TestHubs.local();

  @Test
  void writesBuildNoGraphsAndAnUnindexedSpaceAnswersExactly() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace("s", DIMS);
    Map<String, float[]> model = clustered(new Random(1), 1500, DIMS, 10);
    long builds = hub.context().graphBuilds();
    space.multiset(model);
    space.multiset(model.entrySet().stream().limit(300).iterator());
    space.set("extra", model.values().iterator().next().clone());
    model.put("extra", model.values().iterator().next().clone());
    space.delete("extra");
    model.remove("extra");

    assertThat(hub.context().graphBuilds()).as("graphs built by writes").isEqualTo(builds);
    assertThat(hubs.listFiles(hub, "s/index")).as("index files written by writes").isEmpty();
    assertThat(space.indexPartitions()).isEmpty();
    assertThat(space.unindexedRows()).isEqualTo(model.size());
    Random random = new Random(2);
    List<String> keys = new ArrayList<>(model.keySet());
    for (int q = 0; q < 20; q++) {
      float[] query = model.get(keys.get(random.nextInt(keys.size())));
      assertThat(keys(space.nearestNeighbors(10, query)))
          .as("the tail is searched exactly").containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"L2,clustered", "COSINE,clustered", "INNER_PRODUCT,clustered",
      "L2,uniform", "COSINE,uniform", "INNER_PRODUCT,uniform"})
  @Tag("slow")
  void defaultSettingsAndSplitPartitionsKeepRecallWithAnUnindexedTail(Metric metric, String data) {
    Random random = new Random(3);
    Map<String, float[]> model = data.equals("clustered") ? clustered(random, 2000, DIMS, 20) : uniform(random, 2000, 8);
    int dims = model.values().iterator().next().length;
    for (IndexParams params : List.of(IndexParams.DEFAULT, dims == DIMS ? SMALL_PARTITIONS : SMALL_PARTITIONS.withPartitionBytes(16 * 1024))) {
      EmbeddingHub hub = hubs.newHub();
      Space space = hub.createSpace(SpaceSpec.builder("s", dims).metric(metric).indexParams(params).build());
      Map<String, float[]> indexed = new HashMap<>(model);
      space.multiset(indexed);
      long builds = hub.context().graphBuilds();
      IndexResult result = space.buildIndex();
      // one partition, or 4 centroids (125 KB over 32 KB), some with two partitions where k-means
      // drew more than 1.5 partitions' worth of rows to them
      long targetRows = params.partitionBytes() / (4L * dims);
      int expectedPartitions = result.partitionsAdded();
      if (params == IndexParams.DEFAULT) {
        assertThat(expectedPartitions).isEqualTo(1);
      } else {
        assertThat(expectedPartitions).isBetween(4, 8);
        assertThat(space.indexPartitions()).allSatisfy(p -> assertThat(p.rows()).isLessThanOrEqualTo((long) (1.5 * targetRows)));
      }
      assertThat(hub.context().graphBuilds() - builds).isEqualTo(expectedPartitions);
      assertThat(space.indexPartitions()).hasSize(expectedPartitions)
          .allMatch(p -> p.routed() == (expectedPartitions > 1));
      assertThat(space.indexPartitions().stream().mapToLong(IndexPartitionInfo::rows).sum()).isEqualTo(2000);
      assertThat(space.unindexedRows()).isZero();
      // a tail written after the build
      Map<String, float[]> tail = data.equals("clustered") ? clustered(new Random(4), 200, DIMS, 5) : uniform(new Random(4), 200, 8);
      Map<String, float[]> renamed = new HashMap<>();
      tail.forEach((k, v) -> renamed.put("t" + k, v));
      space.multiset(renamed);
      indexed.putAll(renamed);
      assertThat(space.unindexedRows()).isEqualTo(200);

      double recall = recall(space, indexed, metric, new Random(5), 100);
      assertThat(recall).as("recall@10, %s, %s, %d partitions + tail", metric, data, expectedPartitions).isGreaterThanOrEqualTo(0.95);
      assertThat(space.nearestNeighbors(3000, indexed.values().iterator().next())).hasSize(indexed.size());
    }
  }

  @Test
  void answersAreExactKAndNeverStaleAcrossPartitionsTailVersionsAndReopen() {
    Random random = new Random(6);
    Map<String, float[]> model = clustered(random, 2000, DIMS, 20);
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).indexParams(SMALL_PARTITIONS).build());
    space.multiset(model);
    space.buildIndex();
    long indexedVersion = space.version();
    Map<String, float[]> atIndexed = new HashMap<>(model);
    List<String> keys = new ArrayList<>(model.keySet());
    java.util.Collections.shuffle(keys, random);
    // delete 70% (across every partition) and move 10% far away (into the tail)
    space.multidelete(keys.subList(0, 1400));
    keys.subList(0, 1400).forEach(model::remove);
    Map<String, float[]> moved = new HashMap<>();
    for (String k : keys.subList(1400, 1600)) {
      float[] far = new float[DIMS];
      java.util.Arrays.fill(far, 50);
      far[0] += random.nextFloat();
      moved.put(k, far);
    }
    space.multiset(moved);
    model.putAll(moved);

    for (ReadableSpace view : List.<ReadableSpace>of(space, hubs.reopen(hub).getSpace("s"))) {
      for (int q = 0; q < 30; q++) {
        float[] query = atIndexed.get(keys.get(random.nextInt(1400))); // near deleted rows
        List<Neighbor> found = view.nearestNeighbors(10, query);
        assertThat(found).hasSize(10);
        for (Neighbor n : found) {
          assertThat(model).containsKey(n.key());
          assertThat(n.distance()).isCloseTo(Metric.L2.distance(query, model.get(n.key())), Offset.offset(1e-3f));
        }
      }
      assertThat(view.nearestNeighbors(1000, new float[DIMS])).hasSize(600);
      String byKey = keys.get(1700);
      List<Neighbor> neighbors = view.nearestNeighbors(600, byKey);
      assertThat(neighbors).hasSize(599).noneMatch(n -> n.key().equals(byKey));
    }
    // time travel: the indexed version answers with its own rows and partitions
    SpaceSnapshot old = space.snapshot(indexedVersion);
    assertThat(old.indexPartitions()).hasSize(4);
    assertThat(recall(old, atIndexed, Metric.L2, new Random(7), 50)).isGreaterThanOrEqualTo(0.95);
    assertThat(old.nearestNeighbors(2500, atIndexed.get(keys.get(0)))).hasSize(2000);
    // a fork shares the partitions
    Space fork = space.fork("f", indexedVersion);
    assertThat(fork.indexPartitions()).isEqualTo(old.indexPartitions());
  }

  @Tag("slow") // compaction and a rebuild
  @Test
  void optimizeRewritesTheIndexOfCompactedFilesInTheSameVersion() {
    Map<String, float[]> model = clustered(new Random(8), 1200, DIMS, 10);
    Space space = hubs.newHub().createSpace("s", DIMS);
    List<String> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < 4; i++) {
      Map<String, float[]> batch = new HashMap<>();
      keys.subList(i * 300, (i + 1) * 300).forEach(k -> batch.put(k, model.get(k)));
      space.multiset(batch);
      if (i == 1) {
        space.buildIndex(); // the first two batches are indexed, the rest is tail
      }
    }
    space.multidelete(keys.subList(0, 50));
    keys.subList(0, 50).forEach(model::remove);
    long before = space.version();
    OptimizeResult result = space.optimize();
    assertThat(result.version()).as("one version").isEqualTo(before + 1);
    assertThat(result.partitionsBuilt()).isEqualTo(1);
    assertThat(space.indexPartitions()).hasSize(1);
    assertThat(space.unindexedRows()).isZero();
    assertThat(recall(space, model, Metric.L2, new Random(9), 50)).isGreaterThanOrEqualTo(0.95);
  }

  @Tag("slow") // five builds in steps, then optimize
  @Test
  void optimizeMergesSmallBuildsLeftByIndexingInSteps() {
    Map<String, float[]> model = clustered(new Random(20), 900, DIMS, 9);
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("s", DIMS).buckets(1).build());
    List<String> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < 3; i++) {
      Map<String, float[]> batch = new HashMap<>();
      keys.subList(i * 300, (i + 1) * 300).forEach(k -> batch.put(k, model.get(k)));
      space.multiset(batch);
      space.buildIndex();
    }
    assertThat(space.indexPartitions()).as("three builds, each probed by every query").hasSize(3);
    assertThat(space.indexPartitions().stream().map(IndexPartitionInfo::build).distinct()).hasSize(3);
    long before = space.version();
    OptimizeResult result = space.optimize();
    assertThat(result.version()).isEqualTo(before + 1);
    assertThat(space.indexPartitions()).as("merged into one graph").hasSize(1);
    assertThat(space.indexPartitions().get(0).rows()).isEqualTo(900);
    assertThat(recall(space, model, Metric.L2, new Random(21), 30)).isGreaterThanOrEqualTo(0.95);
    assertThat(space.optimize().version()).as("nothing left to do").isEqualTo(before + 1);
  }

  @Tag("slow") // many builds of a growing space
  @Test
  void indexBuildsAreTieredSoAGrowingSpaceKeepsFewGraphs() {
    Map<String, float[]> model = clustered(new Random(22), 1000, DIMS, 10);
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("s", DIMS).buckets(1).build());
    List<String> keys = new ArrayList<>(model.keySet());
    List<Integer> graphs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Map<String, float[]> batch = new HashMap<>();
      keys.subList(i * 200, (i + 1) * 200).forEach(k -> batch.put(k, model.get(k)));
      space.multiset(batch);
      space.buildIndex();
      graphs.add(space.indexPartitions().size());
    }
    assertThat(graphs).as("the fifth build takes in the four before it").containsExactly(1, 2, 3, 4, 1);
    assertThat(space.indexPartitions().get(0).rows()).isEqualTo(1000);
    assertThat(space.unindexedRows()).isZero();
    assertThat(recall(space, model, Metric.L2, new Random(23), 30)).isGreaterThanOrEqualTo(0.95);
  }

  @Tag("slow") // failure injection
  @Test
  void aBuildWhoseCommitFailsLeavesThePreviousIndexInForce() throws Exception {
    EmbeddingHub plain = hubs.newHub();
    plain.createSpace("s", DIMS).multiset(clustered(new Random(10), 500, DIMS, 5));
    FaultyFileIO io = new FaultyFileIO(new HadoopFileIO(URI.create(plain.root()), hubs.conf()));
    Space space = EmbeddingHub.open(io, hubs.conf()).getSpace("s");
    space.buildIndex();
    List<IndexPartitionInfo> before = space.indexPartitions();
    space.multiset(clustered(new Random(11), 300, DIMS, 5));
    long version = space.version();
    io.failNextCommits(1);
    assertThatThrownBy(space::buildIndex).isInstanceOf(EmbeddingHubException.class).hasMessageContaining("unknown outcome");
    Space reopened = hubs.reopen(plain).getSpace("s");
    assertThat(reopened.version()).isEqualTo(version);
    assertThat(reopened.indexPartitions()).isEqualTo(before);
    assertThat(reopened.unindexedRows()).isEqualTo(300);
    assertThat(reopened.buildIndex().partitionsAdded()).isEqualTo(1);
    assertThat(reopened.indexPartitions()).hasSize(2);
  }

  @Test
  void indexFilesAreFlatChecksummedAndCheckedAgainstTheLog() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> model = clustered(new Random(12), 400, DIMS, 5);
    Space space = hub.createSpace("s", DIMS);
    space.multiset(model);
    space.buildIndex();
    IndexPartitionInfo info = space.indexPartitions().get(0);
    byte[] bytes = hubs.read(hub, info.path());
    assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("EHUBIDX\0");
    assertThat(ByteBuffer.wrap(bytes, 8, 4).getInt()).isEqualTo(IndexFile.formatVersion(FlatHnswIndex.Walk.forDimensions(DIMS)));
    assertThat(new String(bytes, bytes.length - 8, 8, StandardCharsets.US_ASCII)).isEqualTo("EHUBEND\0");
    HadoopFileIO io = new HadoopFileIO(URI.create(hub.root()), hubs.conf());
    IndexPartition entry = new IndexPartition(info.path(), info.build(), info.rows(), info.sizeBytes(),
        space.snapshot().reader().state().partition(info.path()).dataFiles(), null);
    IndexBuild build = space.snapshot().reader().state().indexBuild(info.build());
    assertThat(IndexFile.read(io, entry, build, Metric.L2, DIMS).rows()).isEqualTo(400);
    // every header field is checked against the log
    assertThatThrownBy(() -> IndexFile.read(io, entry, build, Metric.COSINE, DIMS))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining(info.path()).hasMessageContaining("metric");
    assertThatThrownBy(() -> IndexFile.read(io, entry, build, Metric.L2, DIMS + 1)).hasMessageContaining("dimensions");
    IndexPartition wrongRows = new IndexPartition(entry.path(), entry.build(), 399, entry.sizeBytes(), entry.dataFiles(), null);
    assertThatThrownBy(() -> IndexFile.read(io, wrongRows, build, Metric.L2, DIMS)).hasMessageContaining("rows");
    IndexPartition wrongFileCount = new IndexPartition(entry.path(), entry.build(), 400, entry.sizeBytes(), entry.dataFiles() + 1, null);
    assertThatThrownBy(() -> IndexFile.read(io, wrongFileCount, build, Metric.L2, DIMS)).hasMessageContaining("data file count");
    IndexBuild otherCoverage = new IndexBuild(build.id(), List.of("s/data/x.parquet"));
    assertThatThrownBy(() -> IndexFile.read(io, entry, otherCoverage, Metric.L2, DIMS))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("does not cover");

    // a flipped byte: the checksum names the file; queries answer exactly from the data files
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x5A;
    hubs.write(hub, info.path(), flipped);
    assertThatThrownBy(() -> IndexFile.read(io, entry, build, Metric.L2, DIMS))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining(info.path());
    Space fresh = hubs.reopen(hub).getSpace("s");
    float[] query = model.values().iterator().next();
    assertThat(keys(fresh.nearestNeighbors(10, query))).containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
    // a truncated file
    hubs.write(hub, info.path(), java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> IndexFile.read(io, entry, build, Metric.L2, DIMS))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining(info.path()).hasMessageContaining("bytes");
    Space fresh2 = hubs.reopen(hub).getSpace("s");
    assertThat(keys(fresh2.nearestNeighbors(10, query))).containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
  }

  @Tag("slow") // waits for a background build
  @Test
  void embeddedWritesPastTheAutoThresholdAreIndexedInTheBackground() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 500);
    EmbeddingHub hub = hubs.newHub(conf);
    Space space = hub.createSpace("s", DIMS);
    Map<String, float[]> model = clustered(new Random(16), 700, DIMS, 5);
    Map<String, float[]> small = new HashMap<>();
    model.entrySet().stream().limit(300).forEach(e -> small.put(e.getKey(), e.getValue()));
    space.multiset(small);
    space.awaitIndexed();
    assertThat(space.indexPartitions()).as("300 rows: below the threshold").isEmpty();
    space.multiset(model); // 700 rows in the tail now
    space.awaitIndexed();
    assertThat(space.indexPartitions()).hasSize(1);
    assertThat(space.unindexedRows()).isZero();
    assertThat(space.history().get(space.history().size() - 1).operation()).isEqualTo("buildIndex");
    assertThat(recall(space, model, Metric.L2, new Random(17), 20)).isGreaterThanOrEqualTo(0.95);

    org.apache.hadoop.conf.Configuration byFraction = new org.apache.hadoop.conf.Configuration(false);
    byFraction.setDouble(HubProperties.INDEX_AUTO_TAIL_FRACTION, 0.5);
    Space growing = hubs.newHub(byFraction).createSpace("g", DIMS);
    growing.multiset(small); // 300 of 300 rows unindexed: past half
    growing.awaitIndexed();
    assertThat(growing.unindexedRows()).isZero();
    Map<String, float[]> fewMore = new HashMap<>();
    model.entrySet().stream().skip(300).limit(200).forEach(e -> fewMore.put(e.getKey(), e.getValue()));
    growing.multiset(fewMore); // 200 of 500: below half, stays in the tail
    growing.awaitIndexed();
    assertThat(growing.unindexedRows()).isEqualTo(200);

    Space manual = hubs.newHub().createSpace("m", DIMS); // default threshold 10,000 rows
    manual.multiset(model);
    manual.awaitIndexed();
    assertThat(manual.indexPartitions()).isEmpty();
    org.apache.hadoop.conf.Configuration bad = new org.apache.hadoop.conf.Configuration(false);
    bad.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, -1);
    assertThatThrownBy(() -> hubs.newHub(bad)).isInstanceOf(InvalidInputException.class).hasMessageContaining("-1");
  }

  @Test
  void dataFilesWithAFormatOneIndexAreTailUntilRebuiltAndVacuumKeepsTheOldFile() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(1).build());
    Map<String, float[]> model = clustered(new Random(18), 400, DIMS, 4);
    space.multiset(model);
    // what an older EmbeddingHub wrote: log format 1, the data file naming its per-file .hnsw index
    String entry = "s/_log/00000000000000000001.json";
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode node =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(hubs.read(hub, entry));
    node.remove("crc32"); // older writers sealed no entry with a checksum
    node.put("formatVersion", 1);
    node.remove("indexAdd");
    node.remove("indexRemove");
    String legacy = "s/index/bucket=0000/legacy.hnsw";
    ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("add").get(0)).put("index", legacy);
    hubs.write(hub, entry, json.writeValueAsBytes(node));
    hubs.write(hub, legacy, "a Java-serialized graph, never read again".getBytes(StandardCharsets.UTF_8));

    Space old = hubs.reopen(hub).getSpace("s");
    assertThat(old.unindexedRows()).as("a format-1 index does not cover its file").isEqualTo(400);
    float[] query = model.values().iterator().next();
    assertThat(keys(old.nearestNeighbors(10, query))).containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 10, null));
    assertThat(old.buildIndex().partitionsAdded()).isEqualTo(1);
    assertThat(old.unindexedRows()).isZero();
    assertThat(recall(old, model, Metric.L2, new Random(19), 20)).isGreaterThanOrEqualTo(0.95);
    old.vacuum(java.time.Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hubs.exists(hub, legacy)).as("still named by the live data file").isTrue();
  }

  @Tag("slow") // builds with each graph builder
  @Test
  void theGraphBuilderIsSelectableAndNamedInTheFileHeader() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set(HubProperties.INDEX_BUILDER, "hnswlib-core");
    EmbeddingHub hub = hubs.newHub(conf);
    Map<String, float[]> model = clustered(new Random(13), 600, DIMS, 6);
    Space space = hub.createSpace("s", DIMS);
    space.multiset(model);
    space.buildIndex();
    byte[] bytes = hubs.read(hub, space.indexPartitions().get(0).path());
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("hnswlib-core").contains("1.2.1");
    assertThat(recall(space, model, Metric.L2, new Random(14), 30)).isGreaterThanOrEqualTo(0.95);
    // the default builder's files are read the same way
    Space other = hubs.newHub().createSpace("d", DIMS);
    other.multiset(model);
    other.buildIndex();
    assertThat(new String(hubs.read(other.hub(), other.indexPartitions().get(0).path()), StandardCharsets.ISO_8859_1))
        .contains("embeddinghub-flat");
    org.apache.hadoop.conf.Configuration bad = new org.apache.hadoop.conf.Configuration(false);
    bad.set(HubProperties.INDEX_BUILDER, "faiss");
    assertThatThrownBy(() -> hubs.newHub(bad)).isInstanceOf(InvalidInputException.class).hasMessageContaining("faiss");
  }

  @Tag("slow") // recall estimate over held-out queries
  @Test
  void estimatedRecallIsWithinAFewPointsOfMeasuredRecallOnHeldOutQueries() {
    Random random = new Random(15);
    Map<String, float[]> all = clustered(random, 4200, 32, 40);
    Map<String, float[]> model = new HashMap<>();
    List<float[]> heldOut = new ArrayList<>();
    for (Map.Entry<String, float[]> e : all.entrySet()) {
      if (heldOut.size() < 200 && e.getKey().hashCode() % 20 == 0) {
        heldOut.add(e.getValue());
      } else {
        model.put(e.getKey(), e.getValue());
      }
    }
    // small M and efConstruction so that low ef leaves recall to estimate
    IndexParams weak = new IndexParams(6, 24, 10);
    org.apache.hadoop.conf.Configuration oneThread = new org.apache.hadoop.conf.Configuration(false);
    oneThread.setInt(HubProperties.INDEX_BUILD_THREADS, 1); // seeded levels: the same graph every run
    double worst = 0;
    for (IndexParams params : List.of(weak, weak.withPartitionBytes(128 * 1024))) {
      Space space = hubs.newHub(oneThread).createSpace(SpaceSpec.builder("s", 32).indexParams(params).build());
      space.multiset(model);
      space.buildIndex();
      int partitions = space.indexPartitions().size();
      for (int nprobe : partitions > 1 ? new int[] {1, 2, 4} : new int[] {1}) {
        for (int ef : new int[] {10, 24, 64}) {
          SearchOptions options = SearchOptions.withEf(ef).withNprobe(nprobe);
          double estimated = space.searchPlan(options).estimatedRecall();
          double measured = measuredRecall(space, model, heldOut, options);
          assertThat(estimated).as("estimate vs measured, %d partitions, ef %d, nprobe %d (measured %.3f)",
              partitions, ef, nprobe, measured).isCloseTo(measured, Offset.offset(0.06));
          worst = Math.max(worst, Math.abs(estimated - measured));
        }
      }
      SearchPlan loose = space.searchPlan(SearchOptions.targetRecall(0.85));
      SearchPlan strict = space.searchPlan(SearchOptions.targetRecall(0.93));
      assertThat(loose.estimatedRecall()).isGreaterThanOrEqualTo(0.85);
      assertThat(strict.estimatedRecall()).isGreaterThanOrEqualTo(0.93);
      assertThat((long) strict.ef() * strict.nprobe()).isGreaterThan((long) loose.ef() * loose.nprobe());
      assertThat(measuredRecall(space, model, heldOut, SearchOptions.targetRecall(0.93)))
          .as("measured recall at target 0.93 with %s", strict).isGreaterThanOrEqualTo(0.90);
      SearchPlan unreachable = space.searchPlan(SearchOptions.targetRecall(0.9999));
      assertThat(unreachable.ef()).as("beyond what was measured: the most thorough plan").isEqualTo(512);
      assertThat(unreachable.nprobe()).isEqualTo(partitions);
    }
    System.out.printf("recall estimate: largest error %.3f over 12 (ef, nprobe) settings%n", worst);
    assertThatThrownBy(() -> new SearchOptions(32, false, 0, 0.9)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("target recall");
    assertThatThrownBy(() -> SearchOptions.targetRecall(1.5)).hasMessageContaining("1.5");
  }

  @Test
  void automaticNprobeIsTheFewestProbesWhoseMeasuredRoutingKeepsNinetySevenPercent() {
    float[] routing = {0.6f, 0.9f, 0.975f, 1f};
    assertThat(IndexParams.DEFAULT.nprobe()).as("automatic by default").isZero();
    assertThat(IndexParams.DEFAULT.probesFor(0, routing)).isEqualTo(3);
    assertThat(IndexParams.DEFAULT.probesFor(2, routing)).as("asked per query").isEqualTo(2);
    assertThat(IndexParams.DEFAULT.withNprobe(5).probesFor(0, routing)).as("set for the space").isEqualTo(5);
    assertThat(IndexParams.DEFAULT.probesFor(0, null)).as("not measured").isEqualTo(IndexParams.FALLBACK_NPROBE);
    assertThat(IndexParams.DEFAULT.probesFor(0, new float[] {0.5f, 0.8f})).as("never reached: all").isEqualTo(2);
  }

  private static double measuredRecall(Space space, Map<String, float[]> model, List<float[]> queries, SearchOptions options) {
    double hits = 0;
    for (float[] q : queries) {
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(Metric.L2, model, q, 10, null));
      hits += space.nearestNeighbors(10, q, options).stream().filter(n -> truth.contains(n.key())).count();
    }
    return hits / (10.0 * queries.size());
  }

  /** Uniform random vectors in [-1, 1): low-dimensional, where any HNSW keeps its recall. */
  private static Map<String, float[]> uniform(Random random, int n, int dims) {
    Map<String, float[]> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = random.nextFloat() * 2 - 1;
      }
      out.put("u" + i, v);
    }
    return out;
  }

  private static double recall(ReadableSpace space, Map<String, float[]> model, Metric metric, Random random, int queries) {
    List<String> keys = new ArrayList<>(model.keySet());
    double hits = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = model.get(keys.get(random.nextInt(keys.size()))).clone();
      for (int d = 0; d < query.length; d++) {
        query[d] += (float) (random.nextGaussian() * 0.05);
      }
      Set<String> truth = new HashSet<>(BruteForceKnn.nearestKeys(metric, model, query, 10, null));
      List<Neighbor> found = space.nearestNeighbors(10, query);
      assertThat(found).hasSize(Math.min(10, model.size()));
      hits += found.stream().filter(n -> truth.contains(n.key())).count();
    }
    return hits / (10.0 * queries);
  }

  /** A space of three writes (six files over two buckets) indexed by one build split into several partitions. */
  private Space splitBuild(EmbeddingHub hub, Map<String, float[]> model) {
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).indexParams(SMALL_PARTITIONS).build());
    List<Map.Entry<String, float[]>> rows = new ArrayList<>(model.entrySet());
    for (int part = 0; part < 3; part++) {
      Map<String, float[]> write = new HashMap<>();
      rows.subList(part * rows.size() / 3, (part + 1) * rows.size() / 3).forEach(e -> write.put(e.getKey(), e.getValue()));
      space.multiset(write);
    }
    space.buildIndex();
    return space;
  }

  @Tag("slow") // a split build
  @Test
  void aSplitBuildListsEachCoveredDataFileOnceInTheLog() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Space space = splitBuild(hub, clustered(new Random(24), 2000, DIMS, 20));
    byte[] bytes = hubs.read(hub, String.format("s/_log/%020d.json", space.version()));
    String text = new String(bytes, StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.JsonNode entry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
    assertThat(entry.get("indexAdd").size()).as("partitions of the build").isGreaterThanOrEqualTo(3);
    assertThat(entry.get("indexBuild").size()).isEqualTo(1);
    List<String> covered = new ArrayList<>();
    entry.get("indexBuild").get(0).get("dataFiles").forEach(f -> covered.add(f.asText()));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(space.dataFiles().stream().map(DataFileInfo::path).toList());
    for (String file : covered) {
      assertThat(text.split(java.util.regex.Pattern.quote("\"" + file + "\""), -1).length - 1)
          .as("occurrences of %s in the build's log entry", file).isEqualTo(1);
    }
    // the partitions' own file lists are in their index files: together they name more files than
    // the build covers (k-means partitions draw rows from several files), and only covered ones
    HadoopFileIO io = new HadoopFileIO(URI.create(hub.root()), hubs.conf());
    SpaceState state = space.snapshot().reader().state();
    int listed = 0;
    for (IndexPartition p : state.partitions()) {
      List<String> own = IndexFile.read(io, p, state.indexBuild(p.build()), Metric.L2, DIMS).dataFiles();
      assertThat(own).hasSize(p.dataFiles()).isSubsetOf(covered);
      listed += own.size();
    }
    assertThat(listed).isGreaterThan(covered.size());
  }

  @Tag("slow") // builds a split index per format
  @ParameterizedTest(name = "read from the {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"log entry", "checkpoint"})
  void aFormatTwoLogWithPerPartitionFileListsOpensAsTheSameIndex(String from) throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.setInt(HubProperties.CHECKPOINT_INTERVAL, from.equals("checkpoint") ? 1 : 1000);
    EmbeddingHub hub = hubs.newHub(conf);
    Map<String, float[]> model = clustered(new Random(25), 2000, DIMS, 20);
    Space space = splitBuild(hub, model);
    SpaceState before = space.snapshot().reader().state();
    HadoopFileIO io = new HadoopFileIO(URI.create(hub.root()), hubs.conf());
    // what EmbeddingHub wrote before builds were listed once: format 2, every partition listing the
    // data files it holds rows of, no build list
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    String entryPath = String.format("s/_log/%020d.json", space.version());
    String checkpointPath = String.format("s/_log/%020d.checkpoint.json", space.version());
    assertThat(hubs.exists(hub, checkpointPath)).isEqualTo(from.equals("checkpoint"));
    for (String file : from.equals("checkpoint") ? List.of(entryPath, checkpointPath) : List.of(entryPath)) {
      com.fasterxml.jackson.databind.node.ObjectNode node =
          (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(hubs.read(hub, file));
      node.remove("crc32");
      node.put("formatVersion", 2);
      node.remove(file.equals(entryPath) ? "indexBuild" : "indexBuilds");
      for (com.fasterxml.jackson.databind.JsonNode p : node.get(file.equals(entryPath) ? "indexAdd" : "partitions")) {
        IndexPartition partition = before.partition(p.get("path").asText());
        com.fasterxml.jackson.databind.node.ObjectNode legacy = (com.fasterxml.jackson.databind.node.ObjectNode) p;
        legacy.remove("dataFileCount");
        com.fasterxml.jackson.databind.node.ArrayNode files = legacy.putArray("dataFiles");
        IndexFile.read(io, partition, before.indexBuild(partition.build()), Metric.L2, DIMS).dataFiles().forEach(files::add);
      }
      hubs.write(hub, file, json.writeValueAsBytes(node));
    }

    Space old = hubs.reopen(hub).getSpace("s");
    SpaceState after = old.snapshot().reader().state();
    assertThat(after.partitions()).containsExactlyElementsOf(before.partitions());
    assertThat(after.indexBuilds()).hasSize(1);
    IndexBuild build = after.indexBuilds().iterator().next();
    assertThat(build.id()).isEqualTo(before.indexBuilds().iterator().next().id());
    assertThat(build.dataFiles()).containsExactlyInAnyOrderElementsOf(before.indexBuilds().iterator().next().dataFiles());
    assertThat(old.unindexedRows()).isZero();
    assertThat(recall(old, model, Metric.L2, new Random(26), 20)).isGreaterThanOrEqualTo(0.9);
    // it keeps working: the next commit is written in the current format
    old.delete(model.keySet().iterator().next());
    assertThat(json.readTree(hubs.read(hub, String.format("s/_log/%020d.json", old.version()))).get("formatVersion").asInt())
        .isEqualTo(LogJson.FORMAT_VERSION);
    assertThat(hubs.reopen(hub).getSpace("s").snapshot().reader().state().indexBuilds()).hasSize(1);
  }


  @Tag("slow") // a skewed split build
  @Test
  void aCentroidThatWouldOverfillAPartitionGetsSeveralSoNoPartitionOutgrowsItsTarget() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).indexParams(SMALL_PARTITIONS).build());
    // 1,400 equal vectors, which no centroid placement can split, and 600 rows in 6 clusters
    Map<String, float[]> spread = clustered(new Random(27), 600, DIMS, 6);
    Map<String, float[]> model = new HashMap<>(spread);
    float[] dense = new float[DIMS];
    java.util.Arrays.fill(dense, 30f);
    for (int i = 0; i < 1400; i++) {
      model.put("dense-" + i, dense.clone());
    }
    space.multiset(model);
    space.buildIndex();

    long targetRows = SMALL_PARTITIONS.partitionBytes() / (4L * DIMS);
    List<IndexPartitionInfo> partitions = space.indexPartitions();
    assertThat(partitions.stream().mapToLong(IndexPartitionInfo::rows).sum()).isEqualTo(model.size());
    assertThat(partitions).as("no partition far above %d rows", targetRows)
        .allSatisfy(p -> assertThat(p.rows()).isLessThanOrEqualTo((long) (1.5 * targetRows)));
    SpaceState state = space.snapshot().reader().state();
    long sharing = state.partitions().stream()
        .filter(p -> java.util.Arrays.equals(p.centroid(), state.partitions().stream()
            .filter(o -> o != p && java.util.Arrays.equals(o.centroid(), p.centroid())).findFirst()
            .map(IndexPartition::centroid).orElse(null)))
        .count();
    assertThat(sharing).as("partitions sharing the dense region's centroid").isGreaterThanOrEqualTo(3);
    // answers stay right: the dense vector's neighbours are equal vectors, the others' as brute force says
    assertThat(space.nearestNeighbors(10, dense)).hasSize(10)
        .allSatisfy(n -> assertThat(n.key()).startsWith("dense-"))
        .allSatisfy(n -> assertThat(n.distance()).isZero());
    assertThat(recall(space, spread, Metric.L2, new Random(28), 30)).isGreaterThanOrEqualTo(0.9);
  }

}
