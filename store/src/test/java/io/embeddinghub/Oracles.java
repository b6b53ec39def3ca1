package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.TestHubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Independent oracles shared by the snapshot, vacuum and log suites: HashMap models, brute-force
 * nearest neighbors ({@link BruteForceKnn}), a plain Parquet reader for data files (no EmbeddingHub code involved) and a
 * from-the-reference MurmurHash3 for the bucket rule.
 */
final class Oracles {
  private Oracles() {}

  /** A deep copy of a model (vectors copied too). */
  static Map<String, float[]> copy(Map<String, float[]> model) {
    Map<String, float[]> out = new HashMap<>();
    model.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  static float[] vector(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** {@code count} fresh random vectors for keys {@code prefix + (from..from+count-1)}, zero-padded. */
  static Map<String, float[]> batch(Random random, int dims, String prefix, int from, int count) {
    Map<String, float[]> batch = new HashMap<>();
    for (int i = from; i < from + count; i++) {
      batch.put(String.format("%s%03d", prefix, i), vector(random, dims));
    }
    return batch;
  }

  /** Every entry of a space, asserting that no key is listed twice. */
  static Map<String, float[]> contents(ReadableSpace space, String why) {
    Map<String, float[]> out = new HashMap<>();
    Iterator<Map.Entry<String, float[]>> it = space.entries();
    while (it.hasNext()) {
      Map.Entry<String, float[]> e = it.next();
      assertThat(out.put(e.getKey(), e.getValue())).as("%s: key %s listed twice", why, e.getKey()).isNull();
    }
    return out;
  }

  /** Two key -> vector maps hold the same keys with exactly the same vectors. */
  static void assertSameEntries(Map<String, float[]> actual, Map<String, float[]> expected, String why) {
    assertThat(new TreeSet<>(actual.keySet())).as("%s: keys", why).isEqualTo(new TreeSet<>(expected.keySet()));
    expected.forEach((k, v) -> assertThat(actual.get(k)).as("%s: vector of %s", why, k).containsExactly(v));
  }

  /** The Key-Value reads of {@code space} answer exactly as the model. */
  static void assertContents(ReadableSpace space, Map<String, float[]> model, String why) {
    assertThat(space.size()).as("%s: size", why).isEqualTo(model.size());
    assertSameEntries(contents(space, why), model, why);
    List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));
    for (String k : keys) {
      assertThat(space.contains(k)).as("%s: contains %s", why, k).isTrue();
      assertThat(space.get(k)).as("%s: get %s", why, k).containsExactly(model.get(k));
    }
    if (!keys.isEmpty()) {
      List<float[]> got = space.multiget(keys);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(got.get(i)).as("%s: multiget %s", why, keys.get(i)).containsExactly(model.get(keys.get(i)));
      }
    }
    for (String absent : List.of("never-written", "zz-absent")) {
      assertThat(space.find(absent)).as("%s: find %s", why, absent).isEmpty();
      assertThatThrownBy(() -> space.get(absent)).isInstanceOf(KeyNotFoundException.class);
    }
  }

  static List<String> keysOf(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).collect(Collectors.toList());
  }

  /**
   * Exact nearest neighbors (by vector and by key) equal the brute-force answer over the model;
   * approximate ones have the right size and only hold live keys.
   */
  static void assertNearest(ReadableSpace space, Map<String, float[]> model, Random random, String why) {
    Metric metric = space.metric();
    for (int i = 0; i < 3; i++) {
      float[] q = vector(random, space.dimensions());
      List<Neighbor> exact = space.nearestNeighbors(10, q, SearchOptions.exactSearch());
      List<BruteForceKnn.Hit> expected = BruteForceKnn.nearest(metric, model, q, 10, null);
      assertThat(keysOf(exact)).as("%s: exact kNN", why).containsExactlyElementsOf(BruteForceKnn.keys(expected));
      for (int j = 0; j < exact.size(); j++) {
        assertThat((double) exact.get(j).distance()).as(why).isCloseTo(expected.get(j).distance(), within(1e-4));
      }
      List<Neighbor> approx = space.nearestNeighbors(10, q);
      assertThat(approx).as("%s: approximate kNN size", why).hasSize(Math.min(10, model.size()));
      assertThat(keysOf(approx)).as("%s: approximate kNN keys are live", why).allMatch(model::containsKey).doesNotHaveDuplicates();
    }
    if (!model.isEmpty()) {
      List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));
      String key = keys.get(random.nextInt(keys.size()));
      assertThat(keysOf(space.nearestNeighbors(5, key, SearchOptions.exactSearch())))
          .as("%s: exact kNN by key %s", why, key)
          .containsExactlyElementsOf(BruteForceKnn.nearestKeys(metric, model, model.get(key), 5, key));
    }
  }

  // ---- raw files ----

  /** Data and index files of a space directory (relative to the hub root), sorted. */
  static Set<String> dataAndIndexFiles(TestHubs hubs, EmbeddingHub hub, String space) {
    Set<String> files = new TreeSet<>(hubs.listFiles(hub, space + "/data"));
    files.addAll(hubs.listFiles(hub, space + "/index"));
    return files;
  }

  static Set<String> dataFiles(TestHubs hubs, EmbeddingHub hub, String space) {
    return hubs.listFiles(hub, space + "/data").stream()
        .filter(f -> f.endsWith(".parquet"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  record Row(String key, float[] vector) {}

  /** The rows of a data file in file order, read by Parquet's example Group reader. */
  static List<Row> readDataFile(TestHubs hubs, EmbeddingHub hub, String relative) {
    Configuration conf = hubs.conf();
    Path path = new Path(hub.root() + "/" + relative);
    List<Row> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        String key = g.getString("key", 0);
        Group list = g.getGroup("embedding", 0);
        int n = list.getFieldRepetitionCount("list");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = list.getGroup("list", i).getFloat("element", 0);
        }
        rows.add(new Row(key, v));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
    return rows;
  }

  /**
   * The union of the rows of {@code files}, asserting that no key occurs twice (with the model's
   * distinct random vectors, a stale file left behind shows up as a repeated or unknown key).
   */
  static Map<String, float[]> unionOfRows(TestHubs hubs, EmbeddingHub hub, Iterable<String> files, String why) {
    Map<String, float[]> union = new HashMap<>();
    for (String f : files) {
      for (Row row : readDataFile(hubs, hub, f)) {
        assertThat(union.put(row.key(), row.vector())).as("%s: key %s in two files (second: %s)", why, row.key(), f).isNull();
      }
    }
    return union;
  }

  /** Unsigned UTF-8 byte order: Parquet's (and Spark's) string order. */
  static int utf8Compare(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** MurmurHash3 x86_32 written from the reference (SMHasher) algorithm. */
  static int murmur3x86(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h1 = seed;
    int nblocks = data.length / 4;
    for (int i = 0; i < nblocks; i++) {
      int k1 = (data[i * 4] & 0xff) | ((data[i * 4 + 1] & 0xff) << 8) | ((data[i * 4 + 2] & 0xff) << 16) | ((data[i * 4 + 3] & 0xff) << 24);
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int tail = nblocks * 4;
    int k1 = 0;
    int rem = data.length & 3;
    if (rem >= 3) {
      k1 ^= (data[tail + 2] & 0xff) << 16;
    }
    if (rem >= 2) {
      k1 ^= (data[tail + 1] & 0xff) << 8;
    }
    if (rem >= 1) {
      k1 ^= data[tail] & 0xff;
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
    }
    h1 ^= data.length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }

  /** The documented bucket rule: floorMod(murmur3_x86_32(utf8(key), 0), buckets). */
  static int bucketOf(String key, int buckets) {
    return Math.floorMod(murmur3x86(key.getBytes(StandardCharsets.UTF_8), 0), buckets);
  }
}
