package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSnapshot;
import io.embeddinghub.index.FlatHnswBuilder;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.IndexParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Where a query's time goes: the same Fashion-MNIST rows searched by the bare flat index, through
 * a pinned {@link SpaceSnapshot}, and through {@link Space} (which refreshes its version first),
 * at one ef, one thread; reports QPS of each and the ratios.
 *
 * <p>Usage: {@code QueryPathBench <train idx> <test idx> <base rows> <queries> [ef]}
 */
public final class QueryPathBench {
  private QueryPathBench() {}

  public static void main(String[] args) throws Exception {
    float[][] base = FashionMnist.read(Path.of(args[0]), Integer.parseInt(args[2]));
    float[][] queries = FashionMnist.read(Path.of(args[1]), Integer.parseInt(args[3]));
    int ef = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    int dims = base[0].length;
    float[] flat = new float[base.length * dims];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dims, dims);
    }
    FlatHnswIndex bare = new FlatHnswIndex(
        new FlatHnswBuilder().build(flat, dims, Metric.L2, IndexParams.DEFAULT, Runtime.getRuntime().availableProcessors()),
        flat, dims, Metric.L2);
    Path dir = Files.createTempDirectory("eh-querypath");
    EmbeddingHub hub = EmbeddingHub.open(dir.toUri().toString());
    Space space = hub.createSpace("s", dims);
    space.multiset(IntStream.range(0, base.length)
        .mapToObj(i -> (Map.Entry<String, float[]>) new AbstractMap.SimpleImmutableEntry<>("r" + i, base[i])));
    space.buildIndex();
    SpaceSnapshot snapshot = space.snapshot();
    SearchOptions options = SearchOptions.withEf(ef);
    for (int round = 0; round < 3; round++) {
      double bareQps = qps(queries, q -> bare.search(q, 10, ef, null).size());
      double snapshotQps = qps(queries, q -> snapshot.nearestNeighbors(10, q, options).size());
      double spaceQps = qps(queries, q -> space.nearestNeighbors(10, q, options).size());
      System.out.printf(Locale.ROOT,
          "ef %d: bare index %.0f QPS, snapshot %.0f QPS (%.2fx), space %.0f QPS (%.2fx)%n",
          ef, bareQps, snapshotQps, snapshotQps / bareQps, spaceQps, spaceQps / bareQps);
    }
  }

  private interface Query {
    int run(float[] q);
  }

  private static double qps(float[][] queries, Query query) {
    long sink = 0;
    long t0 = System.nanoTime();
    for (float[] q : queries) {
      sink += query.run(q);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (sink < 0) {
      System.out.println(sink);
    }
    return queries.length / seconds;
  }
}
