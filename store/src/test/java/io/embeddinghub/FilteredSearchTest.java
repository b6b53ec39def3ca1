package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.BruteForceKnn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filtered nearest neighbors ({@link SearchOptions#withFilter}) against brute force over the rows
 * the filter passes (a HashMap model of the space): at selectivities from 100% down to single rows
 * and none, by vector and by key, on a space with several index partitions, an unindexed tail and
 * deleted rows, and on its in-memory download. Every answer must hold exactly {@code min(k,
 * matching rows)} rows, all passing the filter and live, with their true distances, nearest first;
 * the exact strategies must equal brute force, the filtered walk reach recall 0.9 or more.
 */
@org.junit.jupiter.api.Tag("slow") // a 6,500-row space with several index partitions, 26 cases against brute force: about 40 s
class FilteredSearchTest {
  private static final int DIMS = 16;
  private static final int K = 10;
  private static final int QUERIES = 12;
  /** Ten key groups "a-" .. "j-", a tenth of the rows each. */
  private static final int GROUPS = 10;

  @TempDir static Path dir;
  private static Space space;
  private static LocalSpace download;
  private static final Map<String, float[]> model = new HashMap<>();
  private static final List<float[]> queries = new ArrayList<>();
  private static int casesRun;

  private static String key(int i) {
    return (char) ('a' + i % GROUPS) + "-" + String.format("%05d", i);
  }

  @BeforeAll
  static void createSpace() {
    Random random = new Random(26);
    float[][] centres = new float[12][DIMS];
    for (float[] c : centres) {
      for (int d = 0; d < DIMS; d++) {
        c[d] = (float) random.nextGaussian() * 3;
      }
    }
    EmbeddingHub hub = EmbeddingHub.open(dir.resolve("hub").toUri().toString());
    // 256 KiB partitions: the 6,000 indexed rows split into two of ~3,000, searched nprobe at a
    // time; a filter passing more than 2,048 rows of one walks its graph, fewer are ranked exactly
    space = hub.createSpace(SpaceSpec.builder("products", DIMS)
        .indexParams(new IndexParams(16, 100, 32, 256 << 10, 0)).build());
    Map<String, float[]> rows = new LinkedHashMap<>();
    for (int i = 0; i < 6_500; i++) {
      float[] c = centres[random.nextInt(centres.length)];
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = c[d] + (float) random.nextGaussian();
      }
      rows.put(key(i), v);
    }
    Map<String, float[]> indexed = new LinkedHashMap<>();
    Map<String, float[]> tail = new LinkedHashMap<>();
    rows.forEach((k, v) -> (indexed.size() < 6_000 ? indexed : tail).put(k, v));
    space.multiset(indexed);
    space.buildIndex();
    space.multiset(tail); // an unindexed tail (below the automatic build's threshold)
    List<String> deleted = new ArrayList<>();
    for (int i = 0; i < 6_500; i += 23) {
      deleted.add(key(i));
    }
    space.multidelete(deleted);
    model.putAll(rows);
    deleted.forEach(model::remove);
    assertThat(space.indexPartitions().size()).as("several index partitions").isGreaterThan(1);
    assertThat(space.unindexedRows()).isEqualTo(tail.keySet().stream().filter(model::containsKey).count());
    for (int q = 0; q < QUERIES; q++) {
      float[] c = centres[q % centres.length];
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = c[d] + (float) random.nextGaussian();
      }
      queries.add(v);
    }
    download = space.downloadSnapshot();
  }

  @AfterAll
  static void ranEveryCase() {
    assertThat((long) casesRun).as("filter cases run").isGreaterThanOrEqualTo(filters().count());
  }

  /** Filters from every row down to none: name, filter, the strategy expected at default settings. */
  static Stream<Arguments> filters() {
    List<String> someKeys = new ArrayList<>();
    for (int i = 7; i < 6_500; i += 100) {
      someKeys.add(key(i)); // 1% of the rows, a few of them deleted
    }
    List<String> halfTheKeys = new ArrayList<>();
    for (int i = 0; i < 6_500; i += 2) {
      halfTheKeys.add(key(i)); // 3,250 keys: more than an allowed-key set answered by key
    }
    return Stream.of(
        Arguments.of("every key (empty prefix)", KeyFilter.prefix(""), FilterStrategy.FILTERED_WALK),
        Arguments.of("half the keys as a set", KeyFilter.in(halfTheKeys), FilterStrategy.FILTERED_WALK),
        Arguments.of("70% (a graph walk per partition): range [a-, h-)", KeyFilter.range("a-", "h-"),
            FilterStrategy.FILTERED_WALK),
        Arguments.of("10%: prefix c-", KeyFilter.prefix("c-"), FilterStrategy.FILTERED_WALK),
        Arguments.of("10%: range [e-, f-)", KeyFilter.range("e-", "f-"), FilterStrategy.FILTERED_WALK),
        Arguments.of("1%: 65 keys", KeyFilter.in(someKeys), FilterStrategy.ALLOWED_KEYS_EXACTLY),
        Arguments.of("1%: range [d-01000, d-02000)", KeyFilter.range("d-01000", "d-02000"), FilterStrategy.FILTERED_WALK),
        Arguments.of("0.1%: range [b-00100, b-00200)", KeyFilter.range("b-00100", "b-00200"), FilterStrategy.FILTERED_WALK),
        Arguments.of("0.1%: 6 keys", KeyFilter.in(List.of(key(1), key(2), key(3), key(4000), key(6100), key(6499))),
            FilterStrategy.ALLOWED_KEYS_EXACTLY),
        Arguments.of("one key", KeyFilter.equalTo(key(4242)), FilterStrategy.ALLOWED_KEYS_EXACTLY),
        Arguments.of("one deleted key", KeyFilter.equalTo(key(23)), FilterStrategy.ALLOWED_KEYS_EXACTLY),
        Arguments.of("no key matches (prefix z-)", KeyFilter.prefix("z-"), FilterStrategy.FILTERED_WALK),
        Arguments.of("to the end: keys from j-06000", KeyFilter.atLeast("j-06000"), FilterStrategy.FILTERED_WALK));
  }

  private static Map<String, float[]> allowed(KeyFilter filter) {
    Map<String, float[]> rows = new HashMap<>();
    model.forEach((k, v) -> {
      if (filter.test(k)) {
        rows.put(k, v);
      }
    });
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void answersExactlyMinKMatchingRowsNearestFirst(String name, KeyFilter filter, FilterStrategy strategy) {
    casesRun++;
    SearchOptions options = SearchOptions.DEFAULT.withFilter(filter);
    assertThat(space.searchPlan(options).filter()).isEqualTo(strategy);
    Map<String, float[]> matching = allowed(filter);
    long found = 0;
    long expected = 0;
    for (ReadableSpace s : List.<ReadableSpace>of(space, download)) {
      for (float[] query : queries) {
        List<Neighbor> answer = s.nearestNeighbors(K, query, options);
        List<BruteForceKnn.Hit> truth = BruteForceKnn.nearest(Metric.L2, matching, query, K, null);
        check(answer, truth, matching, query, name);
        found += answer.stream().filter(n -> BruteForceKnn.keys(truth).contains(n.key())).count();
        expected += truth.size();
        if (strategy != FilterStrategy.FILTERED_WALK) {
          assertThat(Oracles.keysOf(answer)).as(name + ": an exact strategy").isEqualTo(BruteForceKnn.keys(truth));
        }
        // exact search with the same filter: brute force itself
        List<Neighbor> exact = s.nearestNeighbors(K, query, SearchOptions.exactSearch().withFilter(filter));
        assertThat(Oracles.keysOf(exact)).as(name + ", exact search").isEqualTo(BruteForceKnn.keys(truth));
      }
    }
    if (expected > 0) {
      assertThat((double) found / expected).as(name + ": recall@10 against brute force").isGreaterThanOrEqualTo(0.9);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void byKeyLeavesTheKeyOut(String name, KeyFilter filter, FilterStrategy strategy) {
    Map<String, float[]> matching = allowed(filter);
    String byKey = matching.isEmpty() ? key(4243) : matching.keySet().iterator().next();
    SearchOptions options = SearchOptions.DEFAULT.withFilter(filter);
    for (ReadableSpace s : List.<ReadableSpace>of(space, download)) {
      List<Neighbor> answer = s.nearestNeighbors(K, byKey, options);
      float[] query = model.get(byKey);
      List<BruteForceKnn.Hit> truth = BruteForceKnn.nearest(Metric.L2, matching, query, K, byKey);
      check(answer, truth, matching, query, name + ", by key " + byKey);
      assertThat(Oracles.keysOf(answer)).doesNotContain(byKey);
    }
  }

  /** Exactly min(k, matching) rows, each passing and live, at its true distance, nearest first. */
  private static void check(List<Neighbor> answer, List<BruteForceKnn.Hit> truth, Map<String, float[]> matching,
      float[] query, String why) {
    assertThat(answer).as(why + ": min(k, matching rows)").hasSize(truth.size());
    double previous = -1;
    for (Neighbor n : answer) {
      assertThat(matching).as(why + ": only live rows the filter passes").containsKey(n.key());
      double distance = BruteForceKnn.distance(Metric.L2, query, matching.get(n.key()));
      assertThat((double) n.distance()).as(why + ": the true distance of " + n.key()).isCloseTo(distance,
          org.assertj.core.api.Assertions.within(1e-3 * (1 + distance)));
      assertThat((double) n.distance()).as(why + ": nearest first").isGreaterThanOrEqualTo(previous - 1e-6);
      previous = n.distance();
    }
  }

  @Test
  void badFiltersAreRefusedWithTheOffendingValue() {
    assertThatThrownBy(() -> KeyFilter.range(null, "a")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fromInclusive must not be null");
    assertThatThrownBy(() -> KeyFilter.range("b", "a")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'b'").hasMessageContaining("'a'");
    assertThatThrownBy(() -> KeyFilter.in(java.util.Arrays.asList("a", null))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> KeyFilter.prefix(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> KeyFilter.equalTo("")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void theAllowedKeySetIsCopied() {
    List<String> keys = new ArrayList<>(List.of(key(1), key(2)));
    KeyFilter filter = KeyFilter.in(keys);
    keys.add(key(3));
    assertThat(filter.test(key(3))).isFalse();
    assertThat(space.searchPlan(SearchOptions.DEFAULT.withFilter(filter)).toString())
        .contains("allowed keys fetched by key and ranked exactly");
  }
}
