package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.Space;
import io.embeddinghub.spark.EmbeddingHubSpark;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Optimize of a space with many small files (issue #10): a space created with default settings (8
 * buckets) receives {@code files} small writes, each a few rows in every bucket, so each bucket
 * holds {@code files} files; then one optimize, embedded ({@code Space.optimize()}) or as Spark jobs
 * ({@code EmbeddingHubSpark.optimize}, local[2]), each in its own JVM (bench/run-optimize.sh) so
 * that the peak heap is the mode's own. Optimize merges each bucket's files and indexes the rows.
 *
 * <p>Modes: {@code prepare <hub> <files> <rowsPerFile> <dims>} (background indexing off while the
 * small files are written, so that the optimize indexes them), {@code embedded <hub>},
 * {@code spark <hub>}. A measuring mode prints one line: wall time, peak heap used (sampled every
 * 10 ms) and the peak of the old generation (what survived collections).
 */
public final class OptimizeBench {
  private OptimizeBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String hub = Path.of(args[1]).toUri().toString();
    switch (mode) {
      case "prepare" -> prepare(hub, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "embedded" -> measure(mode, () -> EmbeddingHub.open(hub).getSpace("items").optimize());
      case "spark" -> {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("embeddinghub-optimize-bench")
            .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        EmbeddingHubSpark sparkHub = EmbeddingHubSpark.open(spark, hub);
        measure(mode, () -> sparkHub.optimize("items"));
        spark.stop();
      }
      default -> throw new IllegalArgumentException("mode " + mode);
    }
  }

  private static void prepare(String hub, int files, int rowsPerFile, int dims) {
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    Space space = EmbeddingHub.open(hub, conf).createSpace("items", dims);
    Random random = new Random(42);
    long key = 0;
    for (int f = 0; f < files; f++) {
      Map<String, float[]> batch = new LinkedHashMap<>();
      for (int r = 0; r < rowsPerFile * space.spec().buckets(); r++) {
        float[] v = new float[dims];
        for (int d = 0; d < dims; d++) {
          v[d] = (float) random.nextGaussian();
        }
        batch.put(String.format(Locale.ROOT, "k%010d", key++), v);
      }
      space.multiset(batch);
    }
    System.out.printf(Locale.ROOT, "prepared %,d rows in %d writes (%d data files)%n",
        space.size(), files, space.dataFiles().size());
  }

  private static void measure(String mode, java.util.function.Supplier<OptimizeResult> optimize) throws Exception {
    HeapSampler sampler = new HeapSampler();
    sampler.start();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long t0 = System.nanoTime();
    OptimizeResult result = optimize.get();
    double seconds = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    sampler.join();
    long oldGen = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
        oldGen = Math.max(oldGen, pool.getPeakUsage().getUsed());
      }
    }
    System.out.printf(Locale.ROOT, "RESULT %s seconds=%.1f peakHeapMiB=%d peakOldGenMiB=%d maxHeapMiB=%d files=%d->%d%n",
        mode, seconds, sampler.peak >> 20, oldGen >> 20, Runtime.getRuntime().maxMemory() >> 20,
        result.filesRemoved(), result.filesAdded());
  }

  /** Samples the heap in use every 10 ms. */
  private static final class HeapSampler extends Thread {
    volatile long peak;

    HeapSampler() {
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
