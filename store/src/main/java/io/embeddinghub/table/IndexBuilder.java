package io.embeddinghub.table;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.DataFileReader;
import io.embeddinghub.format.VectorLocations;
import io.embeddinghub.index.BuildMemory;
import io.embeddinghub.index.CoarseQuantizer;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.GraphBuilder;
import io.embeddinghub.index.GraphBuilders;
import io.embeddinghub.index.HnswGraph;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.index.IndexedRows;
import io.embeddinghub.index.PartitionIndex;
import io.embeddinghub.index.Permutation;
import io.embeddinghub.index.RecallSample;
import io.embeddinghub.index.RowLocations;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the index of a version's unindexed tail: one partition when its vectors fit
 * {@link IndexParams#partitionBytes()}, otherwise a coarse quantizer (k-means on a sample) splits
 * the rows into about that size each. The work comes in three steps so that an engine can spread
 * it: {@link #plan} (which files, how many partitions, the centroids), {@link Router} (one tail
 * file's rows to partitions, one row at a time) and {@link #buildRoutedPartition} (one partition:
 * its rows' vectors, graph and file), or {@link #buildWhole} when the tail is one partition. A
 * build holds one partition in memory; tail files are streamed, never loaded whole. Each partition file
 * holds its graph, its rows' prepared vectors renumbered in breadth-first order (rows searched
 * together sit together in memory), their keys and row references. Nothing is visible until
 * {@link SpaceOperations#commitRewrite} commits it.
 */
public final class IndexBuilder {
  private static final int SAMPLE_ROWS_PER_PARTITION = 256;
  /** Fewest sample rows per centroid, whatever the heap: below this the quantizer trains poorly. */
  private static final int MIN_SAMPLE_ROWS_PER_PARTITION = 32;

  private final HubContext ctx;
  private final String spaceDir;
  private final GraphBuilder graphs;

  public IndexBuilder(HubContext ctx, String spaceDir) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
    this.graphs = GraphBuilders.named(ctx.settings().indexBuilder());
  }

  /**
   * What one build indexes: the tail files it covers, and its partitions — one, or one or more
   * per centroid. Serializable, so an engine can hand it to its tasks.
   *
   * @param centroids for a routed plan, the centroid of each partition (null: one partition)
   * @param groupStarts for a routed plan, where each centroid's group of partitions starts (one
   *     entry per centroid, then the partition count): a centroid whose rows would overfill a
   *     partition has several, all with its centroid, and its rows are spread over them by key
   */
  public record Plan(String id, SpaceSpec spec, List<LiveFile> tail, long rows, float[][] centroids,
      int[] groupStarts, RoutingProbe probe) implements java.io.Serializable {
    public boolean isEmpty() {
      return tail.isEmpty();
    }

    public int partitions() {
      return centroids == null ? 1 : centroids.length;
    }

    /** Whether rows are split by centroid (then each tail file's rows go through a {@link Router}). */
    public boolean routed() {
      return centroids != null;
    }

    /** The distinct centroids rows are routed by, one per group of partitions. */
    float[][] groupCentroids() {
      float[][] out = new float[groupStarts.length - 1][];
      for (int g = 0; g < out.length; g++) {
        out[g] = centroids[groupStarts[g]];
      }
      return out;
    }

    /** The partition of a row whose nearest centroid is group {@code g}'s: by its key within the group. */
    int partitionOf(int g, String key) {
      int size = groupStarts[g + 1] - groupStarts[g];
      return groupStarts[g] + (size == 1 ? 0 : io.embeddinghub.format.KeyBuckets.bucketOf(key, size));
    }

    public List<String> coveredFiles() {
      List<String> covered = new ArrayList<>();
      tail.forEach(f -> covered.add(f.file().path()));
      return covered;
    }
  }

  /** The partitions written by one build, and the data files they cover. */
  public record Build(String id, List<IndexPartition> partitions, List<String> coveredFiles, long rows) {
    /** No build: what a compaction without an index commits. */
    public static final Build NONE = new Build("none", List.of(), List.of(), 0);

    boolean isEmpty() {
      return partitions.isEmpty();
    }
  }

  /**
   * Plans a build over the live rows of {@code state}'s unindexed tail (empty below
   * {@link io.embeddinghub.HubProperties#INDEX_MIN_ROWS}); trains the centroids on a sample when
   * the rows need more than one partition, each sized to fit {@code taskBytes}, the heap of the task
   * that builds it ({@link #partitionBytes}).
   */
  public Plan plan(SpaceState state, long taskBytes) {
    SpaceSpec spec = state.metadata().spec();
    List<LiveFile> tail = new ArrayList<>();
    long rows = 0;
    for (LiveFile f : state.unindexedFiles()) {
      if (f.liveRows() > 0) {
        tail.add(f);
        rows += f.liveRows();
      }
    }
    String id = UUID.randomUUID().toString();
    if (rows == 0 || rows < ctx.settings().indexMinRows()) {
      return new Plan(id, spec, List.of(), 0, null, null, null);
    }
    long bytes = rows * spec.dimensions() * 4L;
    long partitionBytes = partitionBytes(spec, taskBytes);
    long partitions = Math.min(rows, (bytes + partitionBytes - 1) / partitionBytes);
    if (partitions <= 1) {
      return new Plan(id, spec, tail, rows, null, null, null);
    }
    Sample sample = sample(spec, tail, rows, (int) partitions);
    CoarseQuantizer quantizer = CoarseQuantizer.train(
        sample.rows(), spec.dimensions(), Math.min((int) partitions, sample.size()), spec.metric(), 42);
    long targetRows = Math.max(1, partitionBytes / (4L * spec.dimensions()));
    int[] groupStarts = groupStarts(quantizer, sample, rows, targetRows);
    float[][] centroids = new float[groupStarts[groupStarts.length - 1]][];
    for (int c = 0; c < quantizer.size(); c++) {
      for (int p = groupStarts[c]; p < groupStarts[c + 1]; p++) {
        centroids[p] = quantizer.centroid(c);
      }
    }
    return new Plan(id, spec, tail, rows, centroids, groupStarts, RoutingProbe.of(sample, rows, spec.dimensions()));
  }

  /**
   * The vector bytes of one partition: the space's {@link IndexParams#partitionBytes()}, or less
   * when a partition that large would not fit {@code taskBytes}, the heap of the task that builds
   * it (a build then splits into more partitions instead of running out of memory).
   */
  static long partitionBytes(SpaceSpec spec, long taskBytes) {
    // the estimate counts the JVM's own baseline (FIXED), which the task budget leaves as headroom
    long rows = BuildMemory.maxRowsFor(taskBytes + BuildMemory.FIXED, spec.dimensions(), spec.indexParams());
    long fits = Math.max(MIN_PARTITION_ROWS, rows) * 4L * spec.dimensions();
    return Math.min(spec.indexParams().partitionBytes(), fits);
  }

  /** Fewest rows a partition is cut to, however small the budget: smaller graphs cost more than they save. */
  private static final long MIN_PARTITION_ROWS = 1024;

  /** A centroid whose share of the sample estimates more than this many target partitions of rows gets several. */
  static final double SPLIT_ABOVE = 1.5;

  /**
   * How many partitions each centroid gets: k-means balances partitions only roughly, and a dense
   * region (or many equal vectors) can draw far more rows to one centroid than a partition should
   * hold — and one task must build it. A centroid whose estimated rows (its share of the sample,
   * scaled to the tail) exceed {@value #SPLIT_ABOVE} × {@code targetRows} gets
   * {@code ceil(estimate / targetRows)} partitions, over which its rows are spread by key.
   */
  static int[] groupStarts(CoarseQuantizer quantizer, Sample sample, long rows, long targetRows) {
    int dims = sample.rows().length / Math.max(1, sample.size());
    long[] counts = new long[quantizer.size()];
    for (int i = 0; i < sample.size(); i++) {
      counts[quantizer.nearest(sample.rows(), i * dims)]++;
    }
    int[] starts = new int[counts.length + 1];
    for (int c = 0; c < counts.length; c++) {
      double estimate = (double) counts[c] * rows / Math.max(1, sample.size());
      int parts = estimate > SPLIT_ABOVE * targetRows ? (int) Math.ceil(estimate / targetRows) : 1;
      starts[c + 1] = starts[c] + parts;
    }
    return starts;
  }

  /** Deletes the files of a build known not to have committed. */
  public void abort(Build build) {
    build.partitions().forEach(p -> deleteQuietly(p.path()));
  }

  private void deleteQuietly(String path) {
    try {
      ctx.indexCache().invalidate(path);
      ctx.io().delete(path);
    } catch (IOException | RuntimeException e) {
      // left for vacuum: an uncommitted index file is invisible
    }
  }

  /** Prepared rows spread evenly over the tail (what the quantizer is trained on), with where each is. */
  record Sample(float[] rows, String[] files, int[] positions) {
    int size() {
      return files.length;
    }
  }

  /**
   * How many rows to train the quantizer on: {@value #SAMPLE_ROWS_PER_PARTITION} per partition,
   * but the sample (held twice while it is prepared) stays within a sixteenth of the heap, down to
   * {@value #MIN_SAMPLE_ROWS_PER_PARTITION} per partition.
   */
  static long sampleRowsFor(int partitions, int dims, long maxHeapBytes) {
    long byHeap = maxHeapBytes / 16 / (2L * dims * Float.BYTES);
    long wanted = (long) partitions * SAMPLE_ROWS_PER_PARTITION;
    long floor = (long) partitions * MIN_SAMPLE_ROWS_PER_PARTITION;
    return Math.max(floor, Math.min(wanted, byHeap));
  }

  private Sample sample(SpaceSpec spec, List<LiveFile> tail, long rows, int partitions) {
    int dims = spec.dimensions();
    long sampleRows = Math.min(rows, sampleRowsFor(partitions, dims, Runtime.getRuntime().maxMemory()));
    double stride = (double) rows / sampleRows;
    float[] sample = new float[(int) sampleRows * dims];
    String[] files = new String[(int) sampleRows];
    int[] positions = new int[(int) sampleRows];
    int taken = 0;
    long seen = 0;
    double next = 0;
    for (LiveFile f : tail) { // streamed, not cached: a build's sample never holds whole files
      if (taken >= sampleRows) {
        break;
      }
      try (DataFileReader reader = DataFileReader.open(ctx.io(), ctx.conf(), f.file(), dims)) {
        while (taken < sampleRows && reader.next()) {
          int row = reader.position();
          if (f.isLive(row) && seen++ >= next) {
            System.arraycopy(reader.vector(), 0, sample, taken * dims, dims);
            files[taken] = f.file().path();
            positions[taken] = row;
            taken++;
            next += stride;
          }
        }
      }
    }
    return new Sample(IndexedRows.prepare(java.util.Arrays.copyOf(sample, taken * dims), dims, spec.metric()),
        java.util.Arrays.copyOf(files, taken), java.util.Arrays.copyOf(positions, taken));
  }

  /**
   * A few sample rows used as queries to measure how many true nearest neighbours routing keeps:
   * as many as a brute-force pass over the tail affords (about 2·10¹⁰ multiply-adds, between 20
   * and 200 queries), each with its own row left out of its answers.
   */
  public record RoutingProbe(float[] queries, String[] files, int[] positions) implements java.io.Serializable {
    static RoutingProbe of(Sample sample, long rows, int dims) {
      int count = (int) Math.max(20, Math.min(200, 20_000_000_000L / Math.max(1, rows * dims)));
      count = Math.min(count, sample.size());
      float[] queries = new float[count * dims];
      String[] files = new String[count];
      int[] positions = new int[count];
      for (int i = 0; i < count; i++) {
        int s = (int) ((long) i * sample.size() / count);
        System.arraycopy(sample.rows(), s * dims, queries, i * dims, dims);
        files[i] = sample.files()[s];
        positions[i] = sample.positions()[s];
      }
      return new RoutingProbe(queries, files, positions);
    }

    int size() {
      return files.length;
    }
  }

  /**
   * One tail file under a routed plan: the partition of each row (-1 for deleted rows), and for
   * each routing probe query its {@value #NEIGHBOURS} nearest rows of this file, as scores and
   * partitions (+inf and -1 where the file has fewer).
   */
  public record Assignment(int[] partitionOfRow, float[] neighbourScores, int[] neighbourPartitions)
      implements java.io.Serializable {}

  static final int NEIGHBOURS = 10;

  /**
   * For {@code nprobe = i + 1}, the share of the probe queries' true {@value #NEIGHBOURS} nearest
   * rows (over the whole tail) that lie in their {@code nprobe} nearest partitions.
   */
  public static float[] routingRecall(Plan plan, List<Assignment> files) {
    RoutingProbe probe = plan.probe();
    int dims = plan.spec().dimensions();
    int partitions = plan.centroids().length;
    long[] foundAtRank = new long[partitions];
    long total = 0;
    for (int q = 0; q < probe.size(); q++) {
      float[] bestScores = new float[NEIGHBOURS];
      int[] bestPartitions = new int[NEIGHBOURS];
      java.util.Arrays.fill(bestScores, Float.POSITIVE_INFINITY);
      java.util.Arrays.fill(bestPartitions, -1);
      for (Assignment a : files) {
        for (int j = 0; j < NEIGHBOURS; j++) {
          insert(bestScores, bestPartitions, a.neighbourScores()[q * NEIGHBOURS + j], a.neighbourPartitions()[q * NEIGHBOURS + j]);
        }
      }
      Integer[] order = new Integer[partitions];
      float[] centroidScore = new float[partitions];
      for (int c = 0; c < partitions; c++) {
        order[c] = c;
        centroidScore[c] = CoarseQuantizer.score(plan.spec().metric(), probe.queries(), q * dims, plan.centroids()[c]);
      }
      java.util.Arrays.sort(order, (x, y) -> Float.compare(centroidScore[x], centroidScore[y]));
      int[] rank = new int[partitions];
      for (int r = 0; r < partitions; r++) {
        rank[order[r]] = r;
      }
      for (int partition : bestPartitions) {
        if (partition >= 0) {
          foundAtRank[rank[partition]]++;
          total++;
        }
      }
    }
    float[] recall = new float[partitions];
    long cumulative = 0;
    for (int r = 0; r < partitions; r++) {
      cumulative += foundAtRank[r];
      recall[r] = total == 0 ? 1f : (float) cumulative / total;
    }
    return recall;
  }

  /** Keeps the {@code scores.length} smallest scores offered, ascending. */
  private static void insert(float[] scores, int[] partitions, float score, int partition) {
    int last = scores.length - 1;
    if (!(score < scores[last])) {
      return;
    }
    int i = last;
    while (i > 0 && scores[i - 1] > score) {
      scores[i] = scores[i - 1];
      partitions[i] = partitions[i - 1];
      i--;
    }
    scores[i] = score;
    partitions[i] = partition;
  }

  /**
   * Routes the live rows of a routed plan's tail one at a time: each row's partition (its nearest
   * group centroid, then the plan's split of that group), and, for each routing probe query, the
   * {@value #NEIGHBOURS} nearest rows routed so far with their partitions. Holds no row; not
   * thread-safe.
   */
  public static final class Router {
    private final Plan plan;
    private final CoarseQuantizer quantizer;
    private final float[] scores;
    private final int[] partitions;
    private final float[] bestScores = new float[NEIGHBOURS];
    private final int[] bestPartitions = new int[NEIGHBOURS];

    /**
     * A router with no row routed yet.
     *
     * @param plan a routed plan
     */
    public Router(Plan plan) {
      this.plan = plan;
      this.quantizer = new CoarseQuantizer(plan.groupCentroids(), plan.spec().metric());
      int probes = plan.probe().size();
      this.scores = new float[probes * NEIGHBOURS];
      this.partitions = new int[probes * NEIGHBOURS];
      java.util.Arrays.fill(scores, Float.POSITIVE_INFINITY);
      java.util.Arrays.fill(partitions, -1);
    }

    /**
     * Routes one live row.
     *
     * @param path the path of the tail file holding it
     * @param position its position in that file
     * @param key its key
     * @param vector its embedding, left unchanged
     * @return its partition
     */
    public int route(String path, int position, String key, float[] vector) {
      int dims = plan.spec().dimensions();
      Metric metric = plan.spec().metric();
      RoutingProbe probe = plan.probe();
      float[] row = IndexedRows.prepareQuery(vector, metric);
      int partition = plan.partitionOf(quantizer.nearest(row, 0), key);
      for (int q = 0; q < probe.size(); q++) {
        if (probe.positions()[q] == position && probe.files()[q].equals(path)) {
          continue; // the query's own row
        }
        float score = CoarseQuantizer.score(metric, probe.queries(), q * dims, row);
        if (score < scores[q * NEIGHBOURS + NEIGHBOURS - 1]) {
          System.arraycopy(scores, q * NEIGHBOURS, bestScores, 0, NEIGHBOURS);
          System.arraycopy(partitions, q * NEIGHBOURS, bestPartitions, 0, NEIGHBOURS);
          insert(bestScores, bestPartitions, score, partition);
          System.arraycopy(bestScores, 0, scores, q * NEIGHBOURS, NEIGHBOURS);
          System.arraycopy(bestPartitions, 0, partitions, q * NEIGHBOURS, NEIGHBOURS);
        }
      }
      return partition;
    }

    /**
     * What was routed, as one file's assignment.
     *
     * @param partitionOfRow the partition of each of the file's rows (-1 for deleted rows); empty
     *     when only the probe's nearest rows are wanted
     * @return the assignment, with the probe's nearest rows routed so far
     */
    public Assignment assignment(int[] partitionOfRow) {
      return new Assignment(partitionOfRow, scores.clone(), partitions.clone());
    }
  }

  /**
   * Builds and writes the one partition of a plan that does not split: every live tail row, read
   * one file at a time; null when there is none.
   *
   * @throws IllegalStateException if the plan is routed (its partitions are built from routed rows)
   */
  public IndexPartition buildWhole(Plan plan) {
    if (plan.routed()) {
      throw new IllegalStateException("A split build's partitions are built from their routed rows: " + plan.id());
    }
    PartitionRows rows = gather(plan.spec().dimensions(), plan.tail());
    return rows == null ? null : writePartition(plan.spec(), plan.id(), 0, null, rows, null);
  }

  /**
   * Builds and writes partition {@code partition} of {@code plan} from its rows as they were
   * routed to it (say, through a Spark shuffle): {@code tailFile[i]} (a number into the plan's
   * tail), {@code positions[i]}, {@code keys[i]} and row {@code i} of {@code vectors}, in tail
   * order; null when there are none. Its routing recall is left out (the caller knows it last).
   */
  public IndexPartition buildRoutedPartition(
      Plan plan, int partition, int[] tailFile, int[] positions, String[] keys, float[] vectors) {
    if (keys.length == 0) {
      return null;
    }
    PartitionRows rows = PartitionRows.of(vectors, tailFile, positions, keys, plan.tail());
    return writePartition(plan.spec(), plan.id(), partition, plan.centroids()[partition], rows, null);
  }

  /** A partition's rows: vectors, keys, and where each is (a number into {@code files}, a position). */
  private record PartitionRows(List<DataFile> files, float[] vectors, int[] rowFile, int[] rowPosition, String[] keys) {
    int count() {
      return keys.length;
    }

    /** Routed rows, their tail file numbers renumbered into the files they come from, in order. */
    static PartitionRows of(float[] vectors, int[] tailFile, int[] positions, String[] keys, List<LiveFile> tail) {
      List<DataFile> files = new ArrayList<>();
      int[] ordinalOfTailFile = new int[tail.size()];
      java.util.Arrays.fill(ordinalOfTailFile, -1);
      int[] rowFile = new int[keys.length];
      for (int r = 0; r < rowFile.length; r++) {
        int t = tailFile[r];
        if (ordinalOfTailFile[t] < 0) {
          ordinalOfTailFile[t] = files.size();
          files.add(tail.get(t).file());
        }
        rowFile[r] = ordinalOfTailFile[t];
      }
      return new PartitionRows(files, vectors, rowFile, positions, keys);
    }
  }

  /** Reads every live row of the tail files, one file at a time; null when there is none. */
  private PartitionRows gather(int dims, List<LiveFile> tail) {
    long live = 0;
    for (LiveFile f : tail) {
      live += f.liveRows();
    }
    if (live == 0) {
      return null;
    }
    int count = Math.toIntExact(live);
    List<DataFile> files = new ArrayList<>();
    float[] vectors = new float[Math.multiplyExact(count, dims)];
    int[] rowFile = new int[count];
    int[] rowPosition = new int[count];
    String[] keys = new String[count];
    int next = 0;
    for (LiveFile f : tail) {
      if (f.liveRows() == 0) {
        continue;
      }
      int ordinal = files.size();
      files.add(f.file());
      // streamed: the partition's arrays are all this holds, never a whole tail file beside them
      try (LiveRowCursor rows = LiveRowCursor.open(ctx, f, dims)) {
        while (rows.next()) {
          System.arraycopy(rows.vector(), 0, vectors, next * dims, dims);
          rowFile[next] = ordinal;
          rowPosition[next] = rows.position();
          keys[next] = rows.key();
          next++;
        }
      }
    }
    return new PartitionRows(files, vectors, rowFile, rowPosition, keys);
  }

  /**
   * Builds and writes one partition from {@code rows}, which it consumes: its vectors are prepared
   * and permuted in place, its row references permuted in place, its keys cleared once encoded.
   * Nothing of the vectors or the graph is held twice (io.embeddinghub.index.BuildMemory).
   */
  private IndexPartition writePartition(
      SpaceSpec spec, String build, int partition, float[] centroid, PartitionRows rows, float[] routingRecall) {
    int dims = spec.dimensions();
    Metric metric = spec.metric();
    List<String> files = rows.files().stream().map(DataFile::path).toList();
    int count = rows.count();
    // keys as UTF-8 at once: a String a key costs several times its bytes while the graph is built
    int[] keyOffsets = keyOffsets(rows.keys());
    byte[] keyBytes = keyBytes(rows.keys(), keyOffsets);
    java.util.Arrays.fill(rows.keys(), null);
    double[] scales = metric == Metric.COSINE ? unitScales(rows.vectors(), dims) : null;
    float[] prepared = prepareInPlace(rows.vectors(), dims, metric);
    IndexParams params = spec.indexParams();
    GraphBuilder.Ordered built =
        graphs.buildInBreadthFirstOrder(prepared, dims, metric, params, ctx.settings().indexBuildThreads());
    ctx.countGraphBuild();
    int[] order = built.order();
    Permutation.inPlace(prepared, dims, order);
    Permutation.inPlace(rows.rowFile(), 1, order);
    Permutation.inPlace(rows.rowPosition(), 1, order);
    if (scales != null) {
      Permutation.inPlace(scales, 1, order);
    }
    int[] orderedKeyOffsets = permutedOffsets(keyOffsets, order);
    keyBytes = permutedBytes(keyBytes, keyOffsets, orderedKeyOffsets, order);
    FlatHnswIndex flat = new FlatHnswIndex(built.graph(), prepared, dims, metric,
        FlatHnswIndex.Walk.forSetting(ctx.settings().indexCodes(), dims));
    built = null;
    order = null;
    RecallSample sample = RecallSample.compute(flat, dims, metric == Metric.L2);
    PartitionIndex index = new PartitionIndex(
        flat, metric, dims, params.m(), params.efConstruction(), graphs.name() + " " + graphs.version(),
        files, rows.rowFile(), rows.rowPosition(), orderedKeyOffsets, keyBytes, centroid, sample);
    // a unique name per attempt: a retried or speculative task never collides with an earlier one
    String path = spaceDir + "/index/" + build + "-" + String.format("%05d", partition) + "-"
        + UUID.randomUUID().toString().substring(0, 8) + IndexFile.EXTENSION;
    long size;
    RowLocations locations = locate(rows, scales, dims);
    try {
      size = IndexFile.write(ctx.io(), path, index, locations);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(path);
      throw Errors.cannotWriteIndexFile(ctx.io().location(path), e);
    }
    try { // cached as a reader would load it: float rows in the data files, not on the heap
      ctx.indexCache().offer(path, locations == null ? index : index.withRowsIn(ctx.io(), locations));
    } catch (IOException e) { // the files cannot be mapped: the rows stay where they are, on the heap
      ctx.indexCache().offer(path, index);
    }
    return new IndexPartition(path, build, count, size, files.size(), centroid, sample.recallCurve(flat, dims), routingRecall);
  }

  /**
   * Where each row's floats lie in its data file, so that the index file need not copy them; null
   * when a data file's embedding column is not laid out for it (files written before it was).
   */
  private RowLocations locate(PartitionRows rows, double[] scales, int dims) {
    long[][] offsetsOfFile = new long[rows.files().size()][];
    for (int f = 0; f < offsetsOfFile.length; f++) {
      offsetsOfFile[f] = VectorLocations.of(ctx.io(), ctx.conf(), rows.files().get(f), dims);
      if (offsetsOfFile[f] == null) {
        return null;
      }
    }
    long[] fileOffsets = new long[rows.count()];
    for (int node = 0; node < fileOffsets.length; node++) {
      fileOffsets[node] = offsetsOfFile[rows.rowFile()[node]][rows.rowPosition()[node]];
    }
    return new RowLocations(fileOffsets, scales);
  }

  /** Each row's factor to unit length, as {@link #prepareInPlace} computes it. */
  private static double[] unitScales(float[] rows, int dims) {
    double[] scales = new double[rows.length / dims];
    for (int row = 0; row < scales.length; row++) {
      scales[row] = unitScale(rows, row * dims, dims);
    }
    return scales;
  }

  private static double unitScale(float[] rows, int offset, int dims) {
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      norm += (double) rows[offset + i] * rows[offset + i];
    }
    return norm == 0 ? 0 : 1.0 / Math.sqrt(norm);
  }

  /**
   * {@link IndexedRows#prepare} without the copy: cosine rows are scaled to unit length where they
   * are (the same arithmetic, so the same floats).
   */
  private static float[] prepareInPlace(float[] rows, int dims, Metric metric) {
    if (metric != Metric.COSINE) {
      return IndexedRows.prepare(rows, dims, metric); // the array itself
    }
    for (int offset = 0; offset < rows.length; offset += dims) {
      double scale = unitScale(rows, offset, dims);
      for (int i = 0; i < dims; i++) {
        rows[offset + i] = (float) (rows[offset + i] * scale);
      }
    }
    return rows;
  }

  /** Offsets of the keys' UTF-8 bytes laid end to end ({@code keys.length + 1}). */
  private static int[] keyOffsets(String[] keys) {
    int[] offsets = new int[keys.length + 1];
    for (int i = 0; i < keys.length; i++) {
      offsets[i + 1] = Math.addExact(offsets[i], utf8Length(keys[i]));
    }
    return offsets;
  }

  /** The keys' UTF-8 bytes end to end, into an array of exactly their size. */
  private static byte[] keyBytes(String[] keys, int[] offsets) {
    byte[] out = new byte[offsets[keys.length]];
    for (int i = 0; i < keys.length; i++) {
      byte[] utf8 = keys[i].getBytes(StandardCharsets.UTF_8);
      if (utf8.length != offsets[i + 1] - offsets[i]) {
        throw new IllegalStateException("UTF-8 length of key " + i + " miscounted");
      }
      System.arraycopy(utf8, 0, out, offsets[i], utf8.length);
    }
    return out;
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // a lone surrogate: getBytes writes '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Offsets of variable-length items laid out in {@code order}. */
  private static int[] permutedOffsets(int[] offsets, int[] order) {
    int[] out = new int[offsets.length];
    for (int i = 0; i < order.length; i++) {
      out[i + 1] = out[i] + offsets[order[i] + 1] - offsets[order[i]];
    }
    return out;
  }

  private static byte[] permutedBytes(byte[] bytes, int[] offsets, int[] newOffsets, int[] order) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(bytes, offsets[order[i]], out, newOffsets[i], newOffsets[i + 1] - newOffsets[i]);
    }
    return out;
  }

}
