package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.TestHubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Long random sequences of writes, checked after every step against a HashMap model; then
 * reopened from disk and checked again; then every version read back by time travel and checked
 * against the model's history. Forks, snapshots and downloads are checked against the model too.
 */
abstract class SpaceModelContract {
  private static final int DIMS = 4;

  private final TestHubs hubs;
  private final int steps;

  SpaceModelContract(TestHubs hubs, int steps) {
    this.hubs = hubs;
    this.steps = steps;
  }

  @Tag("slow")
  @Test
  void randomOperationsMatchAHashMapModelAtEveryVersion() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String why = "seed " + seed;
    Configuration conf = new Configuration(false);
    conf.setInt(HubProperties.CHECKPOINT_INTERVAL, 3);
    conf.setInt(HubProperties.INDEX_MIN_ROWS, 8); // small files still get indexes
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 2_000); // bulk loads flush several files
    EmbeddingHub hub = hubs.newHub(conf);
    Space space = hub.createSpace(SpaceSpec.builder("model", DIMS).buckets(4).build());

    Map<String, float[]> model = new HashMap<>();
    List<Map<String, float[]>> history = new ArrayList<>();
    history.add(new HashMap<>()); // version 0
    for (int step = 0; step < steps; step++) {
      long before = space.version();
      String op = applyRandomOperation(random, space, model);
      long after = space.version();
      if (after != before) {
        assertThat(after).as("%s: %s makes one version", why, op).isEqualTo(before + 1);
        history.add(new HashMap<>(model));
      }
      assertMatches(space, model, random, why + " after step " + step + " (" + op + ")");
    }
    assertThat(history).hasSize((int) space.version() + 1);

    Space reopened = hubs.reopen(hub).getSpace("model");
    assertMatches(reopened, model, random, why + " after reopen");
    for (int v = 0; v < history.size(); v++) {
      assertMatches(reopened.snapshot(v), history.get(v), random, why + " at version " + v);
    }
    List<VersionInfo> versions = reopened.history();
    assertThat(versions).extracting(VersionInfo::version).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, history.size()).boxed().collect(Collectors.toList()));
    for (VersionInfo info : versions) {
      assertThat(info.size()).as("%s size recorded at %d", why, info.version()).isEqualTo(history.get((int) info.version()).size());
    }
  }

  @Tag("slow") // a model check of every version, fork and download
  @Test
  void snapshotsForksAndDownloadsFollowTheModel() {
    Random random = new Random(99);
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("parent", DIMS).buckets(3).build());
    Map<String, float[]> model = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      applyRandomOperation(random, space, model);
    }
    Map<String, float[]> atFork = new HashMap<>(model);
    long forkVersion = space.version();
    SpaceSnapshot frozen = space.snapshot(forkVersion);
    LocalSpace downloaded = space.downloadSnapshot();
    Space fork = space.fork("child");
    Space oldFork = space.fork("old-child", 1);

    Map<String, float[]> forkModel = new HashMap<>(atFork);
    for (int i = 0; i < 15; i++) {
      applyRandomOperation(random, space, model);
      applyRandomOperation(random, fork, forkModel);
    }
    space.optimize();
    fork.optimize();
    assertMatches(frozen, atFork, random, "snapshot taken before later writes");
    assertMatches(space.snapshot(forkVersion), atFork, random, "snapshot reopened after later writes");
    assertMatches(downloaded, atFork, random, "download");
    assertMatches(space, model, random, "parent");
    assertMatches(fork, forkModel, random, "fork");
    assertMatches(hubs.reopen(hub).getSpace("child"), forkModel, random, "fork reopened");
    assertThat(oldFork.size()).isEqualTo(space.snapshot(1).size());

    // a downloaded space is a local fork: its writes touch nothing stored
    downloaded.deleteAll();
    assertThat(downloaded.size()).isZero();
    assertMatches(space.snapshot(forkVersion), atFork, random, "after clearing the download");
    // and it can be written back as a new space
    LocalSpace again = space.downloadSnapshot();
    again.set("local-only", new float[] {1, 2, 3, 4});
    Map<String, float[]> againModel = new HashMap<>(model);
    againModel.put("local-only", new float[] {1, 2, 3, 4});
    Space copy = again.writeTo(hub, "copy");
    assertMatches(copy, againModel, random, "writeTo round trip");
    assertThat(copy.spec().metric()).isEqualTo(space.spec().metric());
    assertThat(hub.getSpace("copy", true)).isInstanceOf(LocalSpace.class);
    assertThat(hub.listSpaces()).containsExactly("child", "copy", "old-child", "parent");
    // forks share files: the fork wrote its own files only after the fork point
    assertThat(hubs.listFiles(hub, "old-child/data")).isEmpty();
  }

  @Test
  void asOfPicksTheLastVersionAtOrBeforeAnInstant() {
    Space space = hubs.newHub().createSpace("t", 2);
    for (int i = 0; i < 4; i++) {
      hubs.clock().advance(Duration.ofMillis(5));
      space.set("k" + i, new float[] {i, i});
    }
    List<VersionInfo> history = space.history();
    for (int i = 0; i < history.size(); i++) {
      VersionInfo v = history.get(i);
      assertThat(space.asOf(v.timestamp()).version()).isEqualTo(v.version());
      if (i + 1 < history.size()) { // just before the next commit, this version is still current
        assertThat(space.asOf(history.get(i + 1).timestamp().minusMillis(1)).version()).isEqualTo(v.version());
      }
    }
    assertThat(space.asOf(history.get(history.size() - 1).timestamp().plusSeconds(60)).version()).isEqualTo(space.version());
    assertThatThrownBy(() -> space.asOf(history.get(0).timestamp().minusSeconds(1)))
        .isInstanceOf(VersionNotFoundException.class);
  }

  /** Applies one random write to both the space and the model; returns its name. */
  static String applyRandomOperation(Random random, Space space, Map<String, float[]> model) {
    int choice = random.nextInt(100);
    if (choice < 30) {
      String key = key(random);
      float[] v = vector(random);
      space.set(key, v);
      model.put(key, v);
      return "set " + key;
    } else if (choice < 50) {
      Map<String, float[]> batch = new HashMap<>();
      for (int i = random.nextInt(40); i >= 0; i--) {
        batch.put(key(random), vector(random));
      }
      space.multiset(batch);
      model.putAll(batch);
      return "multiset " + batch.size();
    } else if (choice < 65) {
      List<Map.Entry<String, float[]>> stream = new ArrayList<>();
      for (int i = random.nextInt(120); i >= 0; i--) {
        stream.add(Map.entry(key(random), vector(random))); // keys repeat: last wins
      }
      space.multiset(stream.iterator());
      stream.forEach(e -> model.put(e.getKey(), e.getValue()));
      return "bulk load " + stream.size();
    } else if (choice < 80) {
      String key = key(random);
      boolean present = model.remove(key) != null;
      assertThat(space.delete(key)).isEqualTo(present);
      return "delete " + key;
    } else if (choice < 92) {
      List<String> keys = new ArrayList<>();
      for (int i = random.nextInt(15); i >= 0; i--) {
        keys.add(key(random));
      }
      long present = keys.stream().distinct().filter(model::containsKey).count();
      assertThat(space.multidelete(keys)).isEqualTo(present);
      keys.forEach(model::remove);
      return "multidelete " + keys.size();
    } else if (choice < 95) {
      space.deleteAll();
      model.clear();
      return "deleteAll";
    } else {
      space.optimize();
      return "optimize";
    }
  }

  /** Checks every read of the Key-Value and Nearest-Neighbor interfaces against the model. */
  static void assertMatches(ReadableSpace space, Map<String, float[]> model, Random random, String why) {
    assertThat(space.size()).as(why).isEqualTo(model.size());
    Map<String, float[]> entries = new HashMap<>();
    Iterator<Map.Entry<String, float[]>> it = space.entries();
    while (it.hasNext()) {
      Map.Entry<String, float[]> e = it.next();
      assertThat(entries.put(e.getKey(), e.getValue())).as("%s: %s listed twice", why, e.getKey()).isNull();
    }
    assertThat(entries.keySet()).as(why).isEqualTo(model.keySet());
    model.forEach((k, v) -> assertThat(entries.get(k)).as("%s: %s", why, k).containsExactly(v));
    List<String> probe = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      probe.add(key(random));
    }
    for (String k : probe) {
      assertThat(space.contains(k)).as("%s: contains %s", why, k).isEqualTo(model.containsKey(k));
      assertThat(space.find(k).isPresent()).as(why).isEqualTo(model.containsKey(k));
      if (model.containsKey(k)) {
        assertThat(space.get(k)).as(why).containsExactly(model.get(k));
      } else {
        assertThatThrownBy(() -> space.get(k)).isInstanceOf(KeyNotFoundException.class);
      }
    }
    List<String> present = new ArrayList<>(model.keySet());
    if (!present.isEmpty()) {
      List<String> wanted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        wanted.add(present.get(random.nextInt(present.size())));
      }
      List<float[]> got = space.multiget(wanted);
      for (int i = 0; i < wanted.size(); i++) {
        assertThat(got.get(i)).as(why).containsExactly(model.get(wanted.get(i)));
      }
      float[] query = vector(random);
      assertThat(names(space.nearestNeighbors(7, query, SearchOptions.exactSearch())))
          .as("%s: exact kNN", why)
          .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, query, 7, null));
      List<Neighbor> approx = space.nearestNeighbors(7, query);
      assertThat(approx).as(why).hasSize(Math.min(7, model.size()));
      approx.forEach(n -> assertThat(model).as("%s: kNN returned a deleted key", why).containsKey(n.key()));
      String byKey = present.get(random.nextInt(present.size()));
      assertThat(names(space.nearestNeighbors(5, byKey, SearchOptions.exactSearch())))
          .as("%s: exact kNN by key", why)
          .containsExactlyElementsOf(BruteForceKnn.nearestKeys(Metric.L2, model, model.get(byKey), 5, byKey));
    }
  }

  private static List<String> names(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).collect(Collectors.toList());
  }

  private static String key(Random random) {
    return "key-" + random.nextInt(150);
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
