package io.embeddinghub.engine;

import io.embeddinghub.IndexResult;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.IndexBuilder;
import io.embeddinghub.table.LiveRowCursor;
import io.embeddinghub.table.RoutedRows;
import io.embeddinghub.table.SpaceOperations;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An index build, defined once and run by any {@link JobRunner} ({@link #run}): planned on the
 * runner's JVM from the latest version (the tail, plus small earlier builds once {@code 4} pile up:
 * tiered), its partitions sized to the runner's task budget. A build that does not split is one
 * task. A {@link #routed()} build is a shuffle: {@link #route} once per tail file (each live row
 * to its partition, the file's {@link ProbeShare} as the map's side result), then a partition
 * built from the rows routed to it (each reduce holds one partition), and {@link #routingRecall} of
 * the shares; no JVM holds more than a tail file or a partition. Then one commit. A job is
 * serializable and immutable; the {@link EngineHub} is each JVM's own.
 */
public final class IndexBuildJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The space being indexed. */
  private final String space;
  /** The version the job was planned on. */
  private final long baseVersion;
  /** The tail files, partition count and, for a split build, the trained centroids. */
  private final IndexBuilder.Plan plan;
  /** What the build builds on, and the earlier builds it takes in. */
  private final transient SpaceOperations.IndexStep step;

  private IndexBuildJob(String space, long baseVersion, IndexBuilder.Plan plan, SpaceOperations.IndexStep step) {
    this.space = space;
    this.baseVersion = baseVersion;
    this.plan = plan;
    this.step = step;
  }

  /**
   * Indexes the latest version's unindexed tail: plans, builds every partition on the runner and
   * commits them as one version. A commit that meanwhile removed or indexed a covered data file
   * makes the job start over ({@value Retry#ATTEMPTS} attempts); deletes and writes in between
   * need nothing (new rows stay in the tail, deleted rows are filtered).
   *
   * @param runner where the tasks run
   * @param space the space to index
   * @return the committed version, partitions added, rows indexed and build time; the latest
   *     version with nothing added when the tail is below the minimum
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   * @throws io.embeddinghub.CommitConflictException if every attempt conflicted
   */
  public static IndexResult run(JobRunner runner, String space) {
    return Retry.onConflict(space, () -> {
      long started = System.nanoTime();
      IndexBuildJob job = plan(runner, space);
      if (job.isEmpty()) {
        return new IndexResult(job.baseVersion(), 0, 0, 0);
      }
      List<WrittenPartition> written = job.buildPartitions(runner);
      return job.commit(runner.hub(), written, started);
    });
  }

  /**
   * Plans a build of the latest version's unindexed tail (trains the centroids when it splits).
   *
   * @param runner where the tasks will run (their memory sizes the partitions)
   * @param space the space to index
   * @return the job; {@linkplain #isEmpty() empty} when there is nothing to index
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public static IndexBuildJob plan(JobRunner runner, String space) {
    SpaceState latest = SpaceOperations.open(runner.hub().context(), space).latest();
    return planOn(runner, space, latest.version(), SpaceOperations.indexStep(latest));
  }

  /** Plans a build of {@code step}'s unindexed tail (an optimize's preview of what it commits, say). */
  static IndexBuildJob planOn(JobRunner runner, String space, long baseVersion, SpaceOperations.IndexStep step) {
    IndexBuilder.Plan plan = new IndexBuilder(runner.hub().context(), space).plan(step.base(), runner.taskMemoryBytes());
    return new IndexBuildJob(space, baseVersion, plan, step);
  }

  /**
   * Builds every partition on the runner; nothing for an empty job. A build that does not split
   * is one task; a split build is one shuffle. The planning JVM gets the written partitions and
   * the probe shares, never rows.
   *
   * @param runner where the tasks run
   * @return the written partitions, uncommitted
   */
  public List<WrittenPartition> buildPartitions(JobRunner runner) {
    if (isEmpty()) {
      return List.of();
    }
    if (!routed()) {
      return runner.map(List.of(0), new BuildWhole(this));
    }
    JobRunner.Shuffled<ProbeShare, WrittenPartition> shuffled =
        runner.shuffle(java.util.stream.IntStream.range(0, tailFiles()).boxed().toList(), partitions(), new RouteAndBuild(this));
    float[] recall = routingRecall(shuffled.sides());
    List<WrittenPartition> written = new ArrayList<>();
    shuffled.reduced().forEach(w -> written.add(w.withRoutingRecall(recall)));
    return written;
  }

  /** Task: the one partition of a build that does not split. */
  private record BuildWhole(IndexBuildJob job) implements JobRunner.Task<Integer, WrittenPartition> {
    @Override
    public WrittenPartition run(EngineHub hub, Integer onlyPartition) {
      return job.buildWhole(hub);
    }
  }

  /** A split build's shuffle: tail files routed row by row, partitions built from their rows. */
  private record RouteAndBuild(IndexBuildJob job)
      implements JobRunner.Shuffle<Integer, RoutedRow, ProbeShare, WrittenPartition> {
    @Override
    public JobRunner.Mapped<RoutedRow, ProbeShare> map(EngineHub hub, Integer file) {
      return job.route(hub, file);
    }

    @Override
    public WrittenPartition reduce(EngineHub hub, int partition, java.util.Iterator<RoutedRow> rows) {
      return job.buildPartition(hub, partition, rows);
    }

    @Override
    public void write(RoutedRow row, java.io.DataOutput out) throws java.io.IOException {
      out.writeInt(row.tailFile());
      out.writeInt(row.position());
      out.writeUTF(row.key());
      out.writeInt(row.vector().length);
      for (float v : row.vector()) {
        out.writeFloat(v);
      }
    }

    @Override
    public RoutedRow read(java.io.DataInput in) throws java.io.IOException {
      int tailFile = in.readInt();
      int position = in.readInt();
      String key = in.readUTF();
      float[] vector = new float[in.readInt()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = in.readFloat();
      }
      return new RoutedRow(tailFile, position, key, vector);
    }
  }

  /** {@return whether there is nothing to index} Then {@link #baseVersion()} is the answer. */
  public boolean isEmpty() {
    return plan.isEmpty();
  }

  /** {@return the version the job was planned on} */
  public long baseVersion() {
    return baseVersion;
  }

  /**
   * {@return whether rows are split by centroid} Then each tail file needs {@link #route} first.
   */
  public boolean routed() {
    return plan.routed();
  }

  /** {@return the number of unindexed data files the build reads} */
  public int tailFiles() {
    return plan.tail().size();
  }

  /** {@return the number of index partitions the build writes} */
  public int partitions() {
    return plan.partitions();
  }

  /** {@return the number of live tail rows the build indexes} */
  public long rows() {
    return plan.rows();
  }

  /**
   * A tail row on its way to its partition (what a split build's shuffle carries).
   *
   * @param tailFile the index of its tail file, in 0 .. {@link #tailFiles()} - 1
   * @param position its row number in that file
   * @param key its key
   * @param vector its embedding
   * @serial exclude Serialized by its components, documented above.
   */
  public record RoutedRow(int tailFile, int position, String key, float[] vector) implements Serializable {}

  /**
   * One tail file's share of the routing probe (the true nearest rows it holds for each probe
   * query, with their partitions): what {@link #routingRecall} combines. Opaque to engines.
   */
  public static final class ProbeShare implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The probe queries' true nearest rows in the file, with their partitions. */
    private final IndexBuilder.Assignment neighbours;

    ProbeShare(IndexBuilder.Assignment neighbours) {
      this.neighbours = neighbours;
    }
  }

  /**
   * One tail file routed by {@link #route}: its live rows, read one at a time from the file (or
   * the data file cache), each with the partition its nearest centroid names, so that a task hands
   * them on, say to a shuffle, without holding them or the file; and, once they are walked, the
   * file's probe share. Opaque to engines beyond these methods; not thread-safe.
   */
  public static final class RoutedFile implements JobRunner.Mapped<RoutedRow, ProbeShare> {
    private final int file;
    private final String path;
    private final LiveRowCursor rows;
    private final IndexBuilder.Router router;
    private RoutedRow current;
    private int partition;
    private boolean closed;

    RoutedFile(int file, String path, LiveRowCursor rows, IndexBuilder.Router router) {
      this.file = file;
      this.path = path;
      this.rows = rows;
      this.router = router;
    }

    /**
     * Moves to the next live row; closes the file after the last.
     *
     * @return false when there is none left
     */
    @Override
    public boolean next() {
      if (closed) {
        return false;
      }
      try {
        if (!rows.next()) {
          close();
          return false;
        }
        float[] vector = rows.vector();
        partition = router.route(path, rows.position(), rows.key(), vector);
        current = new RoutedRow(file, rows.position(), rows.key(), vector);
        return true;
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    private void close() {
      closed = true;
      current = null;
      rows.close();
    }

    /**
     * The current row's partition.
     *
     * @return the partition, in 0 .. {@link #partitions()} - 1
     */
    @Override
    public int partition() {
      return partition;
    }

    /**
     * The current row.
     *
     * @return the row, with its own vector
     */
    @Override
    public RoutedRow record() {
      return current;
    }

    /**
     * The file's share of the routing probe.
     *
     * @return the share, for {@link #routingRecall}
     * @throws IllegalStateException before the last row was walked
     */
    @Override
    public ProbeShare side() {
      if (!closed) {
        throw new IllegalStateException("The probe share of " + path + " is known only after its last row");
      }
      return new ProbeShare(router.assignment(new int[0]));
    }
  }

  /**
   * Routes tail file {@code file} (0 .. {@link #tailFiles()} - 1): assigns each live row the
   * partition its nearest centroid names and measures the file's probe share. The file is read
   * once, one row at a time as the caller walks them.
   *
   * @param hub the hub, opened in this JVM
   * @param file the tail file's index, in 0 .. {@link #tailFiles()} - 1
   * @return the file's live rows with their partitions, and its probe share
   */
  public RoutedFile route(EngineHub hub, int file) {
    LiveFile f = plan.tail().get(file);
    LiveRowCursor rows = LiveRowCursor.open(hub.context(), f, plan.spec().dimensions());
    return new RoutedFile(file, f.file().path(), rows, new IndexBuilder.Router(plan));
  }

  /**
   * For {@code nprobe = i + 1}, the share of the probe's true neighbours routing keeps (every
   * file's share combined).
   *
   * @param shares the probe shares {@link #route} returned, one per tail file
   * @return the routing recall at each nprobe, indexed by nprobe - 1
   */
  public float[] routingRecall(List<ProbeShare> shares) {
    List<IndexBuilder.Assignment> all = new ArrayList<>();
    shares.forEach(s -> all.add(s.neighbours));
    return IndexBuilder.routingRecall(plan, all);
  }

  /**
   * One written partition (a task's result); empty when no row went to it. Opaque to engines.
   */
  public static final class WrittenPartition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The written partition, or null when no row went to it. */
    private final IndexPartition partition;

    WrittenPartition(IndexPartition partition) {
      this.partition = partition;
    }

    /**
     * This result with its build's routing recall (a split build learns it after its partitions).
     *
     * @param recall the build's routing recall at each nprobe, as {@link #routingRecall} returns it
     * @return the result carrying the recall; this result itself when it is empty
     */
    public WrittenPartition withRoutingRecall(float[] recall) {
      return partition == null ? this : new WrittenPartition(partition.withRecallAtNprobe(recall));
    }
  }

  /**
   * Builds and writes the one partition of a build that does not split (every live tail row,
   * streamed from the tail files).
   *
   * @param hub the hub, opened in this JVM
   * @return the written partition
   * @throws IllegalStateException if the build is {@linkplain #routed() routed}
   */
  public WrittenPartition buildWhole(EngineHub hub) {
    return new WrittenPartition(new IndexBuilder(hub.context(), space).buildWhole(plan));
  }

  /**
   * Builds and writes partition {@code partition} of a split build from the rows {@link #route}
   * gave it, in any order.
   *
   * @param hub the hub, opened in this JVM
   * @param partition the partition's index, in 0 .. {@link #partitions()} - 1
   * @param rows every row routed to the partition
   * @return the written partition; empty when {@code rows} is
   */
  public WrittenPartition buildPartition(EngineHub hub, int partition, java.util.Iterator<RoutedRow> rows) {
    HubContext ctx = hub.context();
    // gathered through a spool file into exact-size sorted arrays: the rows are never held both as
    // objects and as the build's flat arrays (index.BuildMemory counts only the arrays)
    RoutedRows.Sorted sorted;
    try (RoutedRows gathered = new RoutedRows(plan.spec().dimensions(), null)) {
      while (rows.hasNext()) {
        RoutedRow row = rows.next();
        gathered.add(row.tailFile(), row.position(), row.key(), row.vector());
      }
      sorted = gathered.sorted();
    }
    return new WrittenPartition(new IndexBuilder(ctx, space).buildRoutedPartition(
        plan, partition, sorted.tailFile(), sorted.positions(), sorted.keys(), sorted.vectors()));
  }

  /**
   * Commits the written partitions as one version; when a concurrent commit removed or indexed a
   * covered file, deletes them and throws {@link io.embeddinghub.CommitConflictException} (plan again).
   *
   * @param hub the hub, opened in this JVM
   * @param written every partition's result
   * @param startedNanos {@link System#nanoTime()} when the build started, for the reported duration
   * @return the committed version, partitions added, rows indexed and build time
   * @throws io.embeddinghub.CommitConflictException if a concurrent commit removed or indexed a
   *     covered file
   */
  public IndexResult commit(EngineHub hub, List<WrittenPartition> written, long startedNanos) {
    IndexBuilder.Build build = build(written);
    SpaceState after = SpaceOperations.open(hub.context(), space)
        .commitRewrite("buildIndex", List.of(), List.of(), step, build);
    return new IndexResult(after.version(), build.partitions().size(), plan.rows(), System.nanoTime() - startedNanos);
  }

  /** The build the written partitions make (an empty one for an empty job). */
  IndexBuilder.Build build(List<WrittenPartition> written) {
    List<IndexPartition> partitions = new ArrayList<>();
    for (WrittenPartition w : written) {
      if (w.partition != null) {
        partitions.add(w.partition);
      }
    }
    return new IndexBuilder.Build(plan.id(), partitions, plan.isEmpty() ? List.of() : plan.coveredFiles(), plan.rows());
  }

  /** Deletes written partitions that will not be committed. */
  void abort(HubContext ctx, List<WrittenPartition> written) {
    new IndexBuilder(ctx, space).abort(build(written));
  }

  @Override
  public String toString() {
    return "IndexBuildJob{" + Objects.toString(space) + "@v" + baseVersion + ", partitions=" + partitions() + "}";
  }
}
