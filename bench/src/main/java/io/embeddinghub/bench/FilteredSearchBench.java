package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.FilterStrategy;
import io.embeddinghub.KeyFilter;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Issue #26's selectivity sweep: Fashion-MNIST (60,000 × 784-d) in a space with default settings,
 * indexed; keys {@code g<group>-<row>} with 1,000 groups (row modulo 1,000), so a key range of
 * groups selects 100%, 10%, 1% or 0.1% of the rows. For each selectivity, the same queries with
 * the filter as an allowed-key set (the automatic strategy: a filtered walk for many keys, the
 * allowed rows ranked exactly for few) and as a key range (always the filtered walk), against
 * brute force over the allowed rows ({@code exactSearch().withFilter}, which is also the ground
 * truth), one query thread. Prints recall@10 and queries/s per row, and the speed-up over brute
 * force measured in the same run.
 *
 * <p>Arguments: {@code <train-idx> <test-idx> [queries]}.
 */
public final class FilteredSearchBench {
  private static final int K = 10;
  private static final int GROUPS = 1_000;

  private FilteredSearchBench() {}

  private static String key(int row) {
    return String.format(Locale.ROOT, "g%03d-%05d", row % GROUPS, row);
  }

  public static void main(String[] args) throws Exception {
    float[][] base = FashionMnist.read(Path.of(args[0]), 60_000);
    int queryCount = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    float[][] queries = FashionMnist.read(Path.of(args[1]), queryCount);
    Path dir = Files.createTempDirectory("eh-filtered-bench");
    EmbeddingHub hub = EmbeddingHub.open(dir.resolve("hub").toUri().toString());
    Space space = hub.createSpace("fashion", base[0].length);
    Map<String, float[]> rows = new LinkedHashMap<>();
    for (int i = 0; i < base.length; i++) {
      rows.put(key(i), base[i]);
    }
    long t0 = System.nanoTime();
    space.multiset(rows);
    space.awaitIndexed();
    System.out.printf(Locale.ROOT, "loaded and indexed %,d rows in %.1f s; %d partitions, %d unindexed%n",
        base.length, (System.nanoTime() - t0) / 1e9, space.indexPartitions().size(), space.unindexedRows());

    System.out.println();
    System.out.println("| selectivity | allowed rows | filter | strategy | recall@10 | queries/s | brute force over the allowed rows, queries/s | speed-up |");
    System.out.println("|---|---:|---|---|---:|---:|---:|---:|");
    for (int groups : new int[] {GROUPS, 100, 10, 1}) {
      String upper = groups == GROUPS ? null : String.format(Locale.ROOT, "g%03d-", groups);
      KeyFilter range = upper == null ? KeyFilter.atLeast("g000-") : KeyFilter.range("g000-", upper);
      List<String> allowed = new ArrayList<>();
      for (String k : rows.keySet()) {
        if (range.test(k)) {
          allowed.add(k);
        }
      }
      KeyFilter set = KeyFilter.in(allowed);
      SearchOptions exact = SearchOptions.exactSearch().withFilter(range);
      List<Set<String>> truth = new ArrayList<>();
      for (float[] q : queries) { // warm-up and ground truth
        Set<String> keys = new HashSet<>();
        space.nearestNeighbors(K, q, exact).forEach(n -> keys.add(n.key()));
        truth.add(keys);
      }
      double bruteQps = qps(space, queries, exact, null);
      String selectivity = String.format(Locale.ROOT, "%s%%", groups == GROUPS ? "100" : groups * 100.0 / GROUPS);
      for (KeyFilter filter : List.of(set, range)) {
        SearchOptions options = SearchOptions.DEFAULT.withFilter(filter);
        FilterStrategy strategy = space.searchPlan(options).filter();
        qps(space, queries, options, null); // warm-up
        double[] recall = new double[1];
        double qps = qps(space, queries, options, truth.isEmpty() ? null : new Recall(truth, recall));
        System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %.4f | %,.0f | %,.0f | %.1f× |%n", selectivity,
            allowed.size(), filter instanceof KeyFilter.In ? "allowed-key set" : "key range", strategy, recall[0], qps,
            bruteQps, qps / bruteQps);
      }
    }
  }

  /** Collects recall@10 against the ground truth as the timed loop answers. */
  private record Recall(List<Set<String>> truth, double[] out) {}

  private static double qps(Space space, float[][] queries, SearchOptions options, Recall recall) {
    long found = 0;
    long wanted = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < queries.length; i++) {
      List<Neighbor> answer = space.nearestNeighbors(K, queries[i], options);
      if (recall != null) {
        Set<String> truth = recall.truth().get(i);
        for (Neighbor n : answer) {
          if (truth.contains(n.key())) {
            found++;
          }
        }
        wanted += truth.size();
        if (answer.size() != truth.size()) {
          throw new AssertionError("query " + i + ": " + answer.size() + " answers, " + truth.size() + " allowed rows wanted");
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (recall != null) {
      recall.out()[0] = wanted == 0 ? 1.0 : (double) found / wanted;
    }
    return queries.length / seconds;
  }
}
