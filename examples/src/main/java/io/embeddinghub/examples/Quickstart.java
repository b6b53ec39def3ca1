package io.embeddinghub.examples;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.EmbeddingSpace;
import io.embeddinghub.KeyNotFoundException;
import io.embeddinghub.LocalSpace;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSnapshot;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A walk through EmbeddingHub on the embedded default (a local directory): create a space,
 * set/get, multiset/multiget, bulk load from a generator, nearest neighbors, delete, snapshots,
 * time travel, a fork and an in-memory download. Prints what each step returns.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:java}. The hub goes to
 * the directory given as the first argument, or to a fresh temporary directory.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("embeddinghub-quickstart");
    step("Open a hub (a plain directory; hdfs:// and s3a:// work the same way)");
    EmbeddingHub hub = EmbeddingHub.open(root.toUri().toString());
    System.out.println("hub = " + hub.root());

    step("Create a 3-dimensional space");
    Space fruits = hub.createSpace("fruits", 3);
    System.out.println("spaces = " + hub.listSpaces() + ", dimensions = " + fruits.dimensions()
        + ", metric = " + fruits.metric().id());

    step("set / get");
    fruits.set("apple", new float[] {1, 0, 0});
    System.out.println("get(apple) = " + Arrays.toString(fruits.get("apple")));

    step("multiset / multiget (one atomic version)");
    fruits.multiset(Map.of(
        "orange", new float[] {0.9f, 0.1f, 0},
        "potato", new float[] {0, 1, 0},
        "chicken", new float[] {0, 0, 1}));
    List<float[]> got = fruits.multiget(List.of("orange", "chicken"));
    System.out.println("multiget(orange, chicken) = " + format(got));

    step("Nearest neighbors, by stored key (the key itself is left out) and by vector");
    System.out.println("nearestNeighbors(2, apple) = " + fruits.nearestNeighbors(2, "apple"));
    System.out.println("nearestNeighbors(1, [0,0.9,0.1]) = "
        + fruits.nearestNeighbors(1, new float[] {0, 0.9f, 0.1f}));

    step("A missing key is an exception naming it; find() expects absence");
    try {
      fruits.get("banana");
    } catch (KeyNotFoundException e) {
      System.out.println("get(banana) -> " + e.getMessage());
    }
    System.out.println("find(banana) = " + fruits.find("banana"));

    step("Bulk load 10,000 vectors from a generator (bounded memory, one version)");
    Space items = hub.createSpace(SpaceSpec.builder("items", 8).metric(Metric.COSINE).buckets(4).build());
    Random random = new Random(42);
    Stream<Map.Entry<String, float[]>> generated =
        IntStream.range(0, 10_000).mapToObj(i -> Map.entry("item-" + i, randomVector(random, 8)));
    items.multiset(generated);
    System.out.println("items.size() = " + items.size() + " at version " + items.version());
    // writes never build graphs: the new rows are searched exactly until an index covers them
    // (a load leaving 10,000 unindexed rows starts a background build; buildIndex() joins it)
    items.buildIndex();
    System.out.println("index partitions = " + items.indexPartitions().size() + ", unindexed rows = " + items.unindexedRows()
        + ", search plan: " + items.searchPlan(SearchOptions.DEFAULT));
    List<Neighbor> similar = items.nearestNeighbors(3, "item-7");
    System.out.println("nearestNeighbors(3, item-7) = " + similar);

    step("delete / multidelete");
    System.out.println("delete(potato) = " + fruits.delete("potato"));
    System.out.println("multidelete(chicken, banana) = " + fruits.multidelete(List.of("chicken", "banana")));
    System.out.println("size = " + fruits.size());

    step("Snapshots: every commit is a version; old versions stay readable");
    for (VersionInfo v : fruits.history()) {
      System.out.println("  " + v);
    }
    SpaceSnapshot before = fruits.snapshot(2);
    System.out.println("version 2 has potato? " + before.contains("potato") + "; latest has potato? "
        + fruits.contains("potato"));

    step("Fork a version into a new writable space (no data copied)");
    Space experiment = fruits.fork("fruits-experiment", 2);
    experiment.set("apple", new float[] {0, 0, -1});
    System.out.println("fork apple = " + Arrays.toString(experiment.get("apple"))
        + ", original apple = " + Arrays.toString(fruits.get("apple")));

    step("Download a snapshot into memory: same interface, no I/O (e.g. for a training loop)");
    EmbeddingSpace local = hub.getSpace("items", true);
    System.out.println("downloaded " + local.size() + " vectors into " + local.getClass().getSimpleName());
    System.out.println("local nearestNeighbors(3, item-7) = " + local.nearestNeighbors(3, "item-7"));
    local.set("item-new", randomVector(random, 8));
    Space saved = ((LocalSpace) local).writeTo(hub, "items-copy");
    System.out.println("saved back as " + saved.name() + " with " + saved.size() + " vectors");

    step("Maintenance: optimize merges each bucket's files and deletions");
    System.out.println(fruits.optimize());
    System.out.println("spaces = " + hub.listSpaces());
  }

  private static float[] randomVector(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static String format(List<float[]> vectors) {
    StringBuilder sb = new StringBuilder("[");
    for (float[] v : vectors) {
      sb.append(sb.length() > 1 ? ", " : "").append(Arrays.toString(v));
    }
    return sb.append(']').toString();
  }

  private static void step(String title) {
    System.out.println();
    System.out.println("== " + title);
  }
}
