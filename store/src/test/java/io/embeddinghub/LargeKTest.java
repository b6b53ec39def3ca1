package io.embeddinghub;

import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.keysOf;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.table.StateReader;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.TestHubs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code k = Integer.MAX_VALUE} on every nearest-neighbor path: nothing is sized by k, and each
 * answer is every live row (min(k, n)), in brute force's order.
 */
@Tag("slow") // k larger than the space on every path, per metric
class LargeKTest {
  private static final int DIMS = 4;
  private static final int K = Integer.MAX_VALUE;

  private final TestHubs hubs = TestHubs.local();

  /** A space with an index build, an unindexed tail, overwritten and deleted rows. */
  private Space spaceWithIndexAndTail(Metric metric, Map<String, float[]> model, Random random) {
    Space space = hubs.newHub().createSpace(SpaceSpec.builder("big-k", DIMS).metric(metric).buckets(3).build());
    model.putAll(batch(random, DIMS, "k", 0, 300));
    space.multiset(model);
    assertThat(space.buildIndex().partitionsAdded()).isPositive();
    Map<String, float[]> tail = batch(random, DIMS, "t", 0, 40);
    tail.put("k007", vector(random, DIMS));
    space.multiset(tail);
    model.putAll(tail);
    List<String> deleted = List.of("k001", "k002", "t003");
    space.multidelete(deleted);
    deleted.forEach(model::remove);
    return space;
  }

  private static void assertEveryRow(List<Neighbor> answer, Metric metric, Map<String, float[]> model, float[] q, String excluded, String why) {
    int n = model.size() - (excluded == null ? 0 : 1);
    assertThat(answer).as(why).hasSize(n);
    assertThat(keysOf(answer)).as(why)
        .containsExactlyInAnyOrderElementsOf(keysOf(bruteForceNeighbors(metric, model, q, excluded)));
    for (int i = 1; i < answer.size(); i++) {
      assertThat(Neighbor.ORDER.compare(answer.get(i - 1), answer.get(i))).as("%s: sorted at %d", why, i).isNegative();
    }
  }

  private static List<Neighbor> bruteForceNeighbors(Metric metric, Map<String, float[]> model, float[] q, String excluded) {
    List<Neighbor> out = new ArrayList<>();
    BruteForceKnn.nearest(metric, model, q, model.size(), excluded).forEach(h -> out.add(new Neighbor(h.key(), (float) h.distance())));
    return out;
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void spaceSnapshotAndLocalSpaceReturnEveryRow(Metric metric) {
    Random random = new Random(31 + metric.ordinal());
    Map<String, float[]> model = new HashMap<>();
    Space space = spaceWithIndexAndTail(metric, model, random);
    float[] q = vector(random, DIMS);
    LocalSpace local = space.downloadSnapshot();
    local.nearestNeighbors(1, q); // builds the in-memory index
    Map<String, float[]> changed = batch(random, DIMS, "local", 0, 5);
    local.multiset(changed);
    Map<String, float[]> localModel = new HashMap<>(model);
    localModel.putAll(changed);

    for (ReadableSpace s : List.<ReadableSpace>of(space, space.snapshot())) {
      for (SearchOptions options : List.of(SearchOptions.DEFAULT, SearchOptions.exactSearch())) {
        String why = s + " " + options;
        assertEveryRow(s.nearestNeighbors(K, q, options), metric, model, q, null, why);
        assertEveryRow(s.nearestNeighbors(K, "k010", options), metric, model, model.get("k010"), "k010", why + " by key");
      }
    }
    for (SearchOptions options : List.of(SearchOptions.DEFAULT, SearchOptions.exactSearch())) {
      assertEveryRow(local.nearestNeighbors(K, q, options), metric, localModel, q, null, "local " + options);
      assertEveryRow(local.nearestNeighbors(K, "k010", options), metric, localModel, localModel.get("k010"), "k010",
          "local by key " + options);
    }
  }

  /** What a distributed search (Spark's tasks) asks of each search unit, merged as Spark merges it. */
  @ParameterizedTest
  @EnumSource(Metric.class)
  void everySearchUnitReturnsEveryRowOfTheUnit(Metric metric) {
    Random random = new Random(41 + metric.ordinal());
    Map<String, float[]> model = new HashMap<>();
    Space space = spaceWithIndexAndTail(metric, model, random);
    float[] q = vector(random, DIMS);
    StateReader reader = space.reader();
    for (SearchOptions options : List.of(SearchOptions.DEFAULT, SearchOptions.exactSearch())) {
      List<Neighbor> merged = new ArrayList<>();
      for (int unit = 0; unit < StateReader.searchUnits(reader.state(), options); unit++) {
        merged.addAll(reader.nearestInUnit(unit, K, q, options, null));
      }
      merged.sort(Neighbor.ORDER);
      assertEveryRow(merged, metric, model, q, null, "units " + options);
    }
  }
}
