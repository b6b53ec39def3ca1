package io.embeddinghub.table;

import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.format.DataFileWriter;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LiveFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds one index partition of {@code rows} x {@code dims} clustered random vectors through
 * {@link IndexBuilder#buildRoutedPartition} (the build a task runs: vectors, keys and row
 * references in memory, graph, recall sample, file) and prints one line
 * {@code OK rows=.. dims=.. vectorBytes=.. heap=.. seconds=.. recall=..}, or dies of an
 * OutOfMemoryError. Run it in JVMs of decreasing {@code -Xmx} to find the heap one partition
 * build needs ({@code BuildMemoryTest}, and by hand for the figures in {@link
 * io.embeddinghub.index.BuildMemory}).
 *
 * <p>Arguments: work directory, rows, dims, [metric id (l2), [m (16), [efConstruction (200),
 * [threads (2), [gather]]]]]. {@code gather} is how the task came by its rows: {@code arrays} (the
 * default: made as flat arrays), {@code stream} (as a split build's reduce receives them, one at a
 * time, gathered by {@link RoutedRows}) or {@code list} (the reduce before {@link RoutedRows}: a
 * list of the received rows kept beside the arrays made of them).
 */
public final class PartitionBuildDriver {
  private static final int CLUSTERS = 64;

  private PartitionBuildDriver() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    int dims = Integer.parseInt(args[2]);
    Metric metric = args.length > 3 ? Metric.parse(args[3]) : Metric.L2;
    int m = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    int efConstruction = args.length > 5 ? Integer.parseInt(args[5]) : 200;
    int threads = args.length > 6 ? Integer.parseInt(args[6]) : 2;
    String gather = args.length > 7 ? args[7] : "arrays";
    Files.createDirectories(dir.resolve("space/index"));

    // the rows as a task holds them: flat vectors, keys, tail file numbers and positions
    float[] vectors;
    String[] keys;
    int[] tailFile;
    int[] positions;
    List<IndexBuildJob.RoutedRow> held = null;
    if (gather.equals("arrays")) {
      vectors = clustered(rows, dims, 42);
      keys = new String[rows];
      tailFile = new int[rows];
      positions = new int[rows];
      for (int i = 0; i < rows; i++) {
        keys[i] = String.format("key-%09d", i);
        positions[i] = i;
      }
    } else if (gather.equals("stream")) {
      // as a split build's reduce receives them: one row at a time, files in any order (RoutedRows)
      RoutedRows.Sorted sorted;
      try (RoutedRows gathered = new RoutedRows(dims, dir.resolve("spool"))) {
        for (int file : FILE_ORDER) {
          for (int r = file; r < rows; r += FILE_ORDER.length) {
            gathered.add(file, r, String.format("key-%09d", r), row(r, dims));
          }
        }
        sorted = gathered.sorted();
      }
      vectors = sorted.vectors();
      keys = sorted.keys();
      tailFile = sorted.tailFile();
      positions = sorted.positions();
    } else if (gather.equals("list")) {
      // the reduce before RoutedRows: the received rows kept in a list beside the arrays made of them
      held = new ArrayList<>();
      for (int file : FILE_ORDER) {
        for (int r = file; r < rows; r += FILE_ORDER.length) {
          held.add(new IndexBuildJob.RoutedRow(file, r, String.format("key-%09d", r), row(r, dims)));
        }
      }
      List<IndexBuildJob.RoutedRow> ordered = new ArrayList<>(held);
      ordered.sort(java.util.Comparator.comparingInt(IndexBuildJob.RoutedRow::tailFile)
          .thenComparingInt(IndexBuildJob.RoutedRow::position));
      vectors = new float[Math.multiplyExact(rows, dims)];
      keys = new String[rows];
      tailFile = new int[rows];
      positions = new int[rows];
      for (int i = 0; i < rows; i++) {
        IndexBuildJob.RoutedRow row = ordered.get(i);
        tailFile[i] = row.tailFile();
        positions[i] = row.position();
        keys[i] = row.key();
        System.arraycopy(row.vector(), 0, vectors, i * dims, dims);
      }
      ordered.clear();
    } else {
      throw new IllegalArgumentException("gather: arrays, stream or list, not " + gather);
    }

    Configuration conf = new Configuration();
    conf.setInt(HubProperties.INDEX_BUILD_THREADS, threads);
    conf.setLong(HubProperties.INDEX_CACHE_MAX_BYTES, 1); // the build's own peak, not the cache's
    HubContext ctx = new HubContext(new HadoopFileIO(dir.toUri(), conf), conf);
    SpaceSpec spec = SpaceSpec.builder("space", dims).metric(metric)
        .indexParams(new IndexParams(m, efConstruction, 64)).build();
    // the data files the rows reference (the build reads where each row's floats lie in them):
    // every file holds all rows, row r at position r, so any file number and position is valid
    int fileCount = gather.equals("arrays") ? 1 : FILE_ORDER.length;
    DataFile first;
    try (DataFileWriter writer = DataFileWriter.create(ctx.io(), conf, "space/data/bucket=0000/f0.parquet", 0, dims)) {
      for (int r = 0; r < rows; r++) {
        boolean flat = gather.equals("arrays");
        writer.add(String.format("key-%09d", r), flat ? vectors : row(r, dims), flat ? r * dims : 0);
      }
      first = writer.finish();
    }
    List<LiveFile> tail = new ArrayList<>();
    for (int f = 0; f < fileCount; f++) {
      String path = "space/data/bucket=0000/f" + f + ".parquet";
      if (f > 0) {
        Files.copy(dir.resolve(first.path()), dir.resolve(path));
      }
      tail.add(new LiveFile(new DataFile(path, 0, rows, first.sizeBytes(), keys[0], keys[rows - 1], null),
          DeletionVector.EMPTY));
    }
    System.gc(); // the peak measured is the build's: writing the files does not count
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    float[] centroid = new float[dims];
    IndexBuilder.Plan plan = new IndexBuilder.Plan("build", spec, tail, rows, new float[][] {centroid}, new int[] {0, 1}, null);

    long started = System.nanoTime();
    IndexPartition written = new IndexBuilder(ctx, "space")
        .buildRoutedPartition(plan, 0, tailFile, positions, keys, vectors);
    double seconds = (System.nanoTime() - started) / 1e9;
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    if (held != null && held.size() != rows) {
      throw new AssertionError("the held rows are still referenced here, as the reduce's list was");
    }
    float[] recall = written.recallAtEf();
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    try (var in = new java.security.DigestInputStream(Files.newInputStream(dir.resolve(written.path())), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream()); // streamed: the file is as large as the partition
    }
    byte[] digest = sha.digest();
    System.out.printf("OK rows=%d dims=%d vectorBytes=%d heap=%d poolPeaks=%d seconds=%.1f recall@ef64=%.4f size=%d sha=%s%n",
        rows, dims, 4L * rows * dims, Runtime.getRuntime().maxMemory(), poolPeaks, seconds,
        recall == null ? Float.NaN : recall[5], written.sizeBytes(), java.util.HexFormat.of().formatHex(digest, 0, 8));
  }

  /** The order a reduce receives the rows' tail files in: rows {@code r} with {@code r % 8 == file}. */
  private static final int[] FILE_ORDER = {5, 2, 7, 0, 3, 6, 1, 4};

  /** Row {@code r} of the streamed modes: a clustered vector, a function of {@code r} alone. */
  static float[] row(int r, int dims) {
    SplittableRandom random = new SplittableRandom(42L * 1_000_003 + r);
    SplittableRandom centres = new SplittableRandom(7L + random.nextInt(CLUSTERS));
    float[] v = new float[dims];
    for (int j = 0; j < dims; j++) {
      v[j] = (float) (centres.nextDouble() * 2 - 1 + gaussian(random) * 0.25);
    }
    return v;
  }

  /** Gaussian clusters: {@value #CLUSTERS} centres in [-1, 1]^d, rows around them (sigma 0.25). */
  static float[] clustered(int rows, int dims, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] centres = new float[CLUSTERS * dims];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) (random.nextDouble() * 2 - 1);
    }
    float[] out = new float[Math.multiplyExact(rows, dims)];
    for (int r = 0; r < rows; r++) {
      int c = random.nextInt(CLUSTERS);
      for (int j = 0; j < dims; j++) {
        out[r * dims + j] = centres[c * dims + j] + (float) (gaussian(random) * 0.25);
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
