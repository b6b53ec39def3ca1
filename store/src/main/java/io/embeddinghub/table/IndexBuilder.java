package io.embeddinghub.table;

import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.index.CoarseQuantizer;
import io.embeddinghub.index.FlatHnswIndex;
import io.embeddinghub.index.GraphBuilder;
import io.embeddinghub.index.GraphBuilders;
import io.embeddinghub.index.HnswGraph;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.index.IndexedRows;
import io.embeddinghub.index.PartitionIndex;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the index of a version's unindexed tail: one partition when its vectors fit
 * {@link IndexParams#partitionBytes()}, otherwise a coarse quantizer (k-means on a sample) splits
 * the rows into about that size each. Partitions are built one at a time, so memory holds one
 * partition's vectors and graph (plus the data file cache). Each partition file holds its graph,
 * its rows' prepared vectors renumbered in breadth-first order (rows searched together sit
 * together in memory), their keys and row references. Nothing is visible until committed.
 */
final class IndexBuilder {
  private static final int SAMPLE_ROWS_PER_PARTITION = 256;

  private final HubContext ctx;
  private final String spaceDir;
  private final GraphBuilder graphs;

  IndexBuilder(HubContext ctx, String spaceDir) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
    this.graphs = GraphBuilders.named(ctx.settings().indexBuilder());
  }

  /** The partitions written by one build, and the data files they cover. */
  record Build(String id, List<IndexPartition> partitions, List<String> coveredFiles, long rows) {
    boolean isEmpty() {
      return partitions.isEmpty();
    }
  }

  /** Builds and writes partitions over the live rows of {@code state}'s unindexed tail. */
  Build build(SpaceState state) {
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
      return new Build(id, List.of(), List.of(), 0);
    }
    long bytes = rows * spec.dimensions() * 4L;
    int partitions = (int) Math.min(rows, (bytes + spec.indexParams().partitionBytes() - 1) / spec.indexParams().partitionBytes());
    List<IndexPartition> written = new ArrayList<>();
    try {
      if (partitions <= 1) {
        written.add(writePartition(spec, id, 0, tail, null, null, -1));
      } else {
        CoarseQuantizer quantizer = train(spec, tail, rows, partitions);
        Map<String, int[]> assignment = assign(spec, tail, quantizer);
        for (int p = 0; p < quantizer.size(); p++) {
          IndexPartition part = writePartition(spec, id, p, tail, quantizer.centroid(p), assignment, p);
          if (part != null) {
            written.add(part);
          }
        }
      }
    } catch (RuntimeException e) {
      for (IndexPartition p : written) {
        deleteQuietly(p.path());
      }
      throw e;
    }
    List<String> covered = new ArrayList<>();
    tail.forEach(f -> covered.add(f.file().path()));
    return new Build(id, written, covered, rows);
  }

  /** Deletes the files of a build known not to have committed. */
  void abort(Build build) {
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

  private CoarseQuantizer train(SpaceSpec spec, List<LiveFile> tail, long rows, int partitions) {
    int dims = spec.dimensions();
    long sampleRows = Math.min(rows, (long) partitions * SAMPLE_ROWS_PER_PARTITION);
    double stride = (double) rows / sampleRows;
    float[] sample = new float[(int) sampleRows * dims];
    int taken = 0;
    long seen = 0;
    double next = 0;
    for (LiveFile f : tail) {
      FileContents contents = ctx.cache().full(f.file(), dims);
      for (int row = 0; row < contents.rows() && taken < sampleRows; row++) {
        if (!f.isLive(row)) {
          continue;
        }
        if (seen++ >= next) {
          System.arraycopy(contents.flatVectors(), row * dims, sample, taken * dims, dims);
          taken++;
          next += stride;
        }
      }
    }
    float[] prepared = IndexedRows.prepare(java.util.Arrays.copyOf(sample, taken * dims), dims, spec.metric());
    return CoarseQuantizer.train(prepared, dims, Math.min(partitions, taken), spec.metric(), 42);
  }

  /** For each tail file, the partition of each row (-1 for deleted rows). */
  private Map<String, int[]> assign(SpaceSpec spec, List<LiveFile> tail, CoarseQuantizer quantizer) {
    int dims = spec.dimensions();
    Map<String, int[]> assignment = new LinkedHashMap<>();
    float[] row = new float[dims];
    for (LiveFile f : tail) {
      FileContents contents = ctx.cache().full(f.file(), dims);
      int[] partitionOfRow = new int[contents.rows()];
      for (int r = 0; r < contents.rows(); r++) {
        if (!f.isLive(r)) {
          partitionOfRow[r] = -1;
          continue;
        }
        System.arraycopy(contents.flatVectors(), r * dims, row, 0, dims);
        partitionOfRow[r] = quantizer.nearest(IndexedRows.prepareQuery(row, spec.metric()), 0);
      }
      assignment.put(f.file().path(), partitionOfRow);
    }
    return assignment;
  }

  /**
   * Builds and writes one partition over the live tail rows assigned to {@code partition} (all of
   * them when {@code assignment} is null); null when none are.
   */
  private IndexPartition writePartition(
      SpaceSpec spec, String build, int partition, List<LiveFile> tail, float[] centroid,
      Map<String, int[]> assignment, int wanted) {
    int dims = spec.dimensions();
    Metric metric = spec.metric();
    List<String> files = new ArrayList<>();
    int count = 0;
    for (LiveFile f : tail) {
      int[] of = assignment == null ? null : assignment.get(f.file().path());
      int n = 0;
      for (int r = 0; r < f.file().rows(); r++) {
        if (of == null ? f.isLive(r) : of[r] == wanted) {
          n++;
        }
      }
      count += n;
    }
    if (count == 0) {
      return null;
    }
    float[] vectors = new float[Math.multiplyExact(count, dims)];
    int[] rowFile = new int[count];
    int[] rowPosition = new int[count];
    String[] keys = new String[count];
    int next = 0;
    for (LiveFile f : tail) {
      int[] of = assignment == null ? null : assignment.get(f.file().path());
      FileContents contents = ctx.cache().full(f.file(), dims);
      int ordinal = -1;
      for (int r = 0; r < contents.rows(); r++) {
        if (of == null ? !f.isLive(r) : of[r] != wanted) {
          continue;
        }
        if (ordinal < 0) {
          ordinal = files.size();
          files.add(f.file().path());
        }
        System.arraycopy(contents.flatVectors(), r * dims, vectors, next * dims, dims);
        rowFile[next] = ordinal;
        rowPosition[next] = r;
        keys[next] = contents.key(r);
        next++;
      }
    }
    float[] prepared = IndexedRows.prepare(vectors, dims, metric);
    IndexParams params = spec.indexParams();
    HnswGraph graph = graphs.build(prepared, dims, metric, params, ctx.settings().indexBuildThreads());
    ctx.countGraphBuild();
    int[] order = graph.breadthFirstOrder();
    PartitionIndex index = new PartitionIndex(
        new FlatHnswIndex(graph.renumbered(order), permuteRows(prepared, order, dims), dims, metric),
        metric, dims, params.m(), params.efConstruction(), graphs.name() + " " + graphs.version(),
        files, permute(rowFile, order), permute(rowPosition, order), keyOffsets(keys, order), keyBytes(keys, order),
        centroid);
    String path = spaceDir + "/index/" + build + "-" + String.format("%05d", partition) + IndexFile.EXTENSION;
    long size;
    try {
      size = IndexFile.write(ctx.io(), path, index);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(path);
      throw new EmbeddingHubException("Cannot write index file " + ctx.io().location(path) + ": " + e.getMessage(), e);
    }
    ctx.indexCache().offer(path, index);
    return new IndexPartition(path, build, count, size, files, centroid);
  }

  private static float[] permuteRows(float[] rows, int[] order, int dims) {
    float[] out = new float[rows.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(rows, order[i] * dims, out, i * dims, dims);
    }
    return out;
  }

  private static int[] permute(int[] values, int[] order) {
    int[] out = new int[values.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = values[order[i]];
    }
    return out;
  }

  private static int[] keyOffsets(String[] keys, int[] order) {
    int[] offsets = new int[keys.length + 1];
    for (int i = 0; i < order.length; i++) {
      offsets[i + 1] = offsets[i] + keys[order[i]].getBytes(StandardCharsets.UTF_8).length;
    }
    return offsets;
  }

  private static byte[] keyBytes(String[] keys, int[] order) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i : order) {
      out.writeBytes(keys[i].getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
