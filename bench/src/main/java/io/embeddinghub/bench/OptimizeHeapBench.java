package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Issue #22's memory figure: a one-bucket space of {@code rows} × {@code dims} clustered vectors
 * (default 2,000,000 × 128: 1 GB of floats), bulk-loaded and then optimized in the heap this JVM
 * was started with (the script: {@code -Xmx1g}), every setting at its default but the bucket
 * count. The keys arrive scrambled, so the bulk load's files overlap and optimize rewrites the
 * whole bucket (a streaming merge) and re-indexes it. Prints load and optimize times, what
 * optimize did and the peak heap of each phase: the largest heap occupancy after a collection and
 * before one, from the collector's log (the script starts this JVM with
 * {@code -Xlog:gc:file=<log>:time} and passes the log as {@code -Dbench.gc.log=<log>}; see
 * {@link GcLog}).
 *
 * <p>Arguments: {@code <hub-dir> [rows] [dims]}.
 */
public final class OptimizeHeapBench {
  private OptimizeHeapBench() {}

  public static void main(String[] args) throws java.io.IOException {
    String root = args[0];
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int dims = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    long heap = Runtime.getRuntime().maxMemory();
    EmbeddingHub hub = EmbeddingHub.open(root);
    Space space = hub.createSpace(SpaceSpec.builder("one_bucket", dims).buckets(1).build());
    float[][] centers = new float[64][dims];
    SplittableRandom seed = new SplittableRandom(7);
    for (float[] c : centers) {
      for (int d = 0; d < dims; d++) {
        c[d] = (float) (seed.nextDouble() * 8 - 4);
      }
    }
    System.gc();
    Instant loadStart = Instant.now();
    long t0 = System.nanoTime();
    space.multiset(IntStream.range(0, rows).mapToObj(i -> {
      SplittableRandom r = new SplittableRandom(i);
      float[] c = centers[r.nextInt(centers.length)];
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = c[d] + (float) (r.nextDouble() - 0.5);
      }
      // keys in a scrambled order: each flushed file spans the whole key range, so optimize merges them all
      return Map.entry(String.format("k%09d", (i * 7919L) % rows), v);
    }));
    space.awaitIndexed();
    long t1 = System.nanoTime();
    Instant loadEnd = Instant.now();
    System.gc();
    Instant optimizeStart = Instant.now();
    OptimizeResult result = space.optimize();
    long t2 = System.nanoTime();
    Instant optimizeEnd = Instant.now();
    String log = System.getProperty("bench.gc.log");
    String loadPeak = log == null ? "n/a (no -Dbench.gc.log)" : peak(GcLog.read(Path.of(log), loadStart, loadEnd));
    String optimizePeak = log == null ? "n/a" : peak(GcLog.read(Path.of(log), optimizeStart, optimizeEnd));
    System.out.printf(java.util.Locale.ROOT,
        "| %,d × %d-d, 1 bucket, -Xmx%d MiB | load + background index %.0f s, heap %s | optimize %.0f s, heap %s"
            + " | %d files removed, %d added, %d partitions built; now %d partitions, %d unindexed |%n",
        rows, dims, heap >> 20, (t1 - t0) / 1e9, loadPeak, (t2 - t1) / 1e9, optimizePeak,
        result.filesRemoved(), result.filesAdded(), result.partitionsBuilt(), space.indexPartitions().size(),
        space.unindexedRows());
  }

  private static String peak(GcLog gc) {
    return String.format(java.util.Locale.ROOT, "max after GC %d MiB, max before GC %d MiB (%d pauses, %d full)",
        gc.maxAfter(), gc.maxBefore(), gc.count(), gc.full());
  }
}
