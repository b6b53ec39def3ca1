package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * Multigets of random keys {@code id-<n>} against an existing space, each through a newly opened
 * hub (empty caches: every file is point-read), reporting wall time and the process's CPU time
 * per multiget: the tool for profiling point reads on a space another bench wrote (e.g. the
 * spaces {@code spark} and {@code embedded} that {@link LayoutParityBench} leaves in its temp
 * directory).
 *
 * <p>Arguments: {@code root space rows [keys] [repeats]}, defaults 1,000 keys, 10 repeats.
 */
public final class PointReadBench {
  private PointReadBench() {}

  public static void main(String[] args) {
    String root = args[0];
    String space = args[1];
    int rows = Integer.parseInt(args[2]);
    int keyCount = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Random random = new Random(7);
    double[] walls = new double[repeats];
    double[] cpus = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      List<String> keys = new ArrayList<>(keyCount);
      for (int i = 0; i < keyCount; i++) {
        keys.add("id-" + random.nextInt(rows));
      }
      EmbeddingHub hub = EmbeddingHub.open(root, conf);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<float[]> got = hub.getSpace(space).multiget(keys);
      walls[r] = (System.nanoTime() - t0) / 1e9;
      cpus[r] = (os.getProcessCpuTime() - cpu0) / 1e9;
      if (got.size() != keyCount) {
        throw new IllegalStateException("got " + got.size() + " of " + keyCount);
      }
      System.out.printf(Locale.ROOT, "run %d: wall %.3f s, process CPU %.3f s%n", r, walls[r], cpus[r]);
    }
    System.out.printf(Locale.ROOT, "median of %d: wall %.3f s, process CPU %.3f s (%,d keys, %s/%s)%n",
        repeats, median(walls), median(cpus), keyCount, root, space);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
