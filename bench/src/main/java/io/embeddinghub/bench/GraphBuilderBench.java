package io.embeddinghub.bench;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.index.FlatHnswBuilder;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.GraphBuilder;
import io.embeddinghub.index.HnswGraph;
import io.embeddinghub.index.HnswlibCoreBuilder;
import io.embeddinghub.index.RowHit;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which graph builder the store should use by default: builds the same Fashion-MNIST rows with
 * each builder (1 thread and all cores) and searches each graph with the same flat search, so the
 * graphs are compared on build time and on recall/QPS at equal ef.
 *
 * <p>Usage: {@code GraphBuilderBench <train idx> <test idx> <base rows> <queries>}
 */
public final class GraphBuilderBench {
  private GraphBuilderBench() {}

  public static void main(String[] args) throws Exception {
    int baseRows = Integer.parseInt(args[2]);
    int queryRows = Integer.parseInt(args[3]);
    float[][] base = FashionMnist.read(Path.of(args[0]), baseRows);
    float[][] queries = FashionMnist.read(Path.of(args[1]), queryRows);
    int dims = base[0].length;
    float[] flat = new float[base.length * dims];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dims, dims);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int[][] truth = GroundTruth.load(Path.of("bench/results/builders-truth-" + baseRows + "-" + queryRows + ".i32"),
        base, queries, 10, cores);
    for (GraphBuilder builder : List.of(new FlatHnswBuilder(), new HnswlibCoreBuilder())) {
      long t0 = System.nanoTime();
      builder.build(flat, dims, Metric.L2, IndexParams.DEFAULT, 1);
      double one = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      HnswGraph graph = builder.build(flat, dims, Metric.L2, IndexParams.DEFAULT, cores);
      double all = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "%s: build 1 thread %.1f s, %d threads %.1f s, %d links%n",
          builder.name(), one, cores, all, graph.edges());
      FlatHnswIndex index = new FlatHnswIndex(graph, flat, dims, Metric.L2);
      for (int ef : new int[] {16, 32, 64, 128}) {
        for (float[] q : queries) {
          index.search(q, 10, ef, null); // warm-up
        }
        long hits = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
          hits = 0;
          t0 = System.nanoTime();
        for (int q = 0; q < queries.length; q++) {
          List<RowHit> found = index.search(queries[q], 10, ef, null);
          Set<Integer> expected = new HashSet<>();
          for (int id : truth[q]) {
            expected.add(id);
          }
          for (RowHit h : found) {
            hits += expected.contains(h.row()) ? 1 : 0;
          }
        }
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "  ef %3d: recall@10 %.4f, %.0f QPS (best of 3)%n", ef, hits / (10.0 * queries.length),
            queries.length / best);
      }
    }
  }
}
