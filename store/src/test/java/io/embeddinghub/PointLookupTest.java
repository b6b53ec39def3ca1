package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.table.PointReadStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Key-Value lookups of small key sets by point reads (files not in the reader's cache) answer
 * exactly as a HashMap model, across overwrites, deletes (themselves looked up by point reads)
 * and several files per bucket; large key sets take the cached path; a file read often enough is
 * loaded whole.
 */
class PointLookupTest {
  private static final int DIMS = 4;

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp;

  private String newRoot() {
    return tmp.resolve(java.util.UUID.randomUUID().toString()).toUri().toString();
  }

  private static Configuration conf(int maxKeys, int loadAfter) {
    Configuration conf = new Configuration();
    conf.setInt(HubProperties.POINT_LOOKUP_MAX_KEYS, maxKeys);
    conf.setInt(HubProperties.POINT_LOOKUP_LOAD_AFTER, loadAfter);
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    return conf;
  }

  @Tag("slow") // a model over many files per bucket
  @Test
  void smallLookupsMatchTheModelAcrossOverwritesDeletesAndManyFiles() {
    String root = newRoot();
    Random random = new Random(42);
    Space writer = EmbeddingHub.open(root, conf(0, 0)).createSpace(SpaceSpec.builder("s", DIMS).buckets(3).build());
    // a hub with empty caches that always point-reads, and one that never does
    EmbeddingHub pointHub = EmbeddingHub.open(root, conf(200, 0));
    Space points = pointHub.getSpace("s");
    Space cached = EmbeddingHub.open(root, conf(0, 0)).getSpace("s");
    Map<String, float[]> model = new HashMap<>();
    List<String> universe = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      universe.add("key-" + Integer.toString(random.nextInt(1_000_000), 36) + (i % 97 == 0 ? "\u00e9\uD83D\uDE00" : ""));
    }
    for (int step = 0; step < 30; step++) {
      int op = random.nextInt(10);
      if (op < 6) { // overwrite some, add some: a new file per touched bucket
        Map<String, float[]> batch = new HashMap<>();
        int n = 1 + random.nextInt(step < 3 ? 800 : 120);
        for (int i = 0; i < n; i++) {
          batch.put(universe.get(random.nextInt(universe.size())), Oracles.vector(random, DIMS));
        }
        writer.multiset(batch);
        model.putAll(batch);
      } else if (op < 8) { // delete through the point-reading hub
        List<String> keys = sample(random, universe, 1 + random.nextInt(60));
        long present = keys.stream().distinct().filter(model::containsKey).count();
        assertThat(points.multidelete(keys)).as("step %d: deleted", step).isEqualTo(present);
        keys.forEach(model::remove);
      } else if (op == 8 && !model.isEmpty()) {
        String k = List.copyOf(model.keySet()).get(random.nextInt(model.size()));
        assertThat(points.delete(k)).isTrue();
        model.remove(k);
      } else {
        String k = universe.get(random.nextInt(universe.size()));
        float[] v = Oracles.vector(random, DIMS);
        writer.set(k, v);
        model.put(k, v);
      }
      assertLookupsMatch(points, model, random, "step " + step + " (point reads)");
      assertLookupsMatch(cached, model, random, "step " + step + " (cached path)");
    }
    PointReadStats stats = pointHub.context().pointReads();
    assertThat(stats.fileReads()).isPositive();
    assertThat(writer.reader().state().filesInBucket(0).size()).as("files in bucket 0").isGreaterThan(3);
  }

  private static List<String> sample(Random random, List<String> universe, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(random.nextInt(8) == 0 ? "never-" + i : universe.get(random.nextInt(universe.size())));
    }
    return keys;
  }

  private static void assertLookupsMatch(Space space, Map<String, float[]> model, Random random, String why) {
    List<String> present = new ArrayList<>(model.keySet());
    for (int i = 0; i < 20; i++) {
      String k = random.nextBoolean() && !present.isEmpty()
          ? present.get(random.nextInt(present.size())) : "missing-" + random.nextInt(100) ;
      assertThat(space.contains(k)).as("%s: contains %s", why, k).isEqualTo(model.containsKey(k));
      if (model.containsKey(k)) {
        assertThat(space.get(k)).as("%s: get %s", why, k).containsExactly(model.get(k));
      } else {
        assertThat(space.find(k)).as("%s: find %s", why, k).isEmpty();
      }
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      keys.add(random.nextInt(4) == 0 || present.isEmpty() ? "missing-" + i : present.get(random.nextInt(present.size())));
    }
    Map<String, float[]> expected = new HashMap<>();
    keys.stream().filter(model::containsKey).forEach(k -> expected.put(k, model.get(k)));
    Oracles.assertSameEntries(space.findAll(keys), expected, why + ": findAll");
    List<String> existing = keys.stream().filter(model::containsKey).toList();
    List<float[]> got = space.multiget(existing);
    for (int i = 0; i < existing.size(); i++) {
      assertThat(got.get(i)).as("%s: multiget %s", why, existing.get(i)).containsExactly(model.get(existing.get(i)));
    }
    if (existing.size() < keys.size()) {
      assertThatThrownBy(() -> space.multiget(keys)).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("missing-");
    }
  }

  @Test
  void pointReadsLeaveTheCacheAloneLargeKeySetsLoadFilesAndHotFilesGetLoaded() {
    String root = newRoot();
    Random random = new Random(1);
    Space writer = EmbeddingHub.open(root, conf(0, 0)).createSpace(SpaceSpec.builder("s", DIMS).buckets(1).build());
    Map<String, float[]> rows = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      rows.put(String.format("k%05d", i), Oracles.vector(random, DIMS));
    }
    writer.multiset(rows);
    EmbeddingHub hub = EmbeddingHub.open(root, conf(100, 3));
    Space space = hub.getSpace("s");
    PointReadStats stats = hub.context().pointReads();
    String file = space.reader().state().files().iterator().next().file().path();
    for (int i = 0; i < 3; i++) {
      assertThat(space.get("k0000" + i)).containsExactly(rows.get("k0000" + i));
      assertThat(hub.context().cache().cached(file, false)).as("after point read %d", i).isNull();
    }
    assertThat(stats.fileReads()).isEqualTo(3);
    assertThat(stats.rowsDecoded()).as("one page per lookup").isLessThanOrEqualTo(3L * io.embeddinghub.format.PointReadLayout.PAGE_ROWS);
    // the fourth lookup of the file loads it whole: later ones are served from memory
    assertThat(space.get("k00100")).containsExactly(rows.get("k00100"));
    assertThat(hub.context().cache().cached(file, true)).isNotNull();
    assertThat(space.get("k00200")).containsExactly(rows.get("k00200"));
    assertThat(stats.fileReads()).isEqualTo(3);

    // more keys than the threshold: the cached path, no point reads
    EmbeddingHub big = EmbeddingHub.open(root, conf(100, 0));
    List<String> many = new ArrayList<>(rows.keySet()).subList(0, 101);
    List<float[]> got = big.getSpace("s").multiget(many);
    for (int i = 0; i < many.size(); i++) {
      assertThat(got.get(i)).containsExactly(rows.get(many.get(i)));
    }
    assertThat(big.context().pointReads().fileReads()).isZero();
    assertThat(big.context().cache().cached(file, true)).isNotNull();
  }

  @Test
  void invalidSettingsAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> EmbeddingHub.open(newRoot(), conf(-1, 0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(HubProperties.POINT_LOOKUP_MAX_KEYS);
    assertThatThrownBy(() -> EmbeddingHub.open(newRoot(), conf(5, -2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(HubProperties.POINT_LOOKUP_LOAD_AFTER);
  }
}
