package io.embeddinghub.index;

import io.embeddinghub.Metric;
import io.embeddinghub.io.FileIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One index partition in memory: its HNSW graph with its rows' codes and float rows
 * ({@link FlatHnswIndex}), the key of each row, and where each row lives — data file (an
 * ordinal into {@link #dataFiles()}) and row position — so the deletion vectors of the version
 * being read can filter it. Node ids are partition-local. Immutable and thread-safe.
 */
public final class PartitionIndex {
  private final FlatHnswIndex index;
  private final Metric metric;
  private final int dimensions;
  private final int m;
  private final int efConstruction;
  private final String builder;
  private final List<String> dataFiles;
  private final int[] rowFile;
  private final int[] rowPosition;
  private final int[] keyOffsets;
  private final byte[] keyBytes;
  private final float[] centroid;
  private final RecallSample recallSample;

  /**
   * @param keyOffsets {@code rows + 1} offsets into {@code keyBytes}, the UTF-8 keys of the rows
   * @param centroid the partition's coarse quantizer centroid, or null
   * @param recallSample self-queries with exact answers, to measure the graph's recall
   */
  public PartitionIndex(
      FlatHnswIndex index, Metric metric, int dimensions, int m, int efConstruction, String builder,
      List<String> dataFiles, int[] rowFile, int[] rowPosition, int[] keyOffsets, byte[] keyBytes,
      float[] centroid, RecallSample recallSample) {
    int rows = index.rows();
    if (rowFile.length != rows || rowPosition.length != rows || keyOffsets.length != rows + 1
        || keyOffsets[0] != 0 || keyOffsets[rows] != keyBytes.length) {
      throw new IllegalArgumentException("row references or keys do not match the graph's " + rows + " rows");
    }
    for (int i = 0; i < rows; i++) {
      if (rowFile[i] < 0 || rowFile[i] >= dataFiles.size() || rowPosition[i] < 0 || keyOffsets[i + 1] < keyOffsets[i]) {
        throw new IllegalArgumentException("row " + i + " has an invalid data file, position or key");
      }
    }
    if (centroid != null && centroid.length != dimensions) {
      throw new IllegalArgumentException("centroid has " + centroid.length + " dimensions, expected " + dimensions);
    }
    this.index = index;
    this.metric = metric;
    this.dimensions = dimensions;
    this.m = m;
    this.efConstruction = efConstruction;
    this.builder = builder;
    this.dataFiles = List.copyOf(dataFiles);
    this.rowFile = rowFile;
    this.rowPosition = rowPosition;
    this.keyOffsets = keyOffsets;
    this.keyBytes = keyBytes;
    this.centroid = centroid;
    recallSample.checkNodes(rows);
    this.recallSample = recallSample;
  }

  /**
   * This partition reading its float rows from the data files at {@code locations}, as a partition
   * read back from its file does: memory-mapped where the files are local, else this partition
   * itself (whose rows are on the heap already).
   */
  public PartitionIndex withRowsIn(FileIO io, RowLocations locations) throws IOException {
    for (String f : dataFiles) {
      if (io.localFile(f) == null) {
        return this;
      }
    }
    FloatRows rows = DataFileRows.open(
        io, dataFiles, rowFile, rowPosition, locations.fileOffsets(), locations.scales(), dimensions);
    FlatHnswIndex mapped = new FlatHnswIndex(index.graph(), rows, metric, index.quantizer(), index.codes());
    return new PartitionIndex(mapped, metric, dimensions, m, efConstruction, builder, dataFiles, rowFile,
        rowPosition, keyOffsets, keyBytes, centroid, recallSample);
  }

  public FlatHnswIndex index() {
    return index;
  }

  public int rows() {
    return index.rows();
  }

  public Metric metric() {
    return metric;
  }

  public int dimensions() {
    return dimensions;
  }

  public int m() {
    return m;
  }

  public int efConstruction() {
    return efConstruction;
  }

  /** Name and version of the graph builder, e.g. {@code hnswlib-core 1.2.1}. */
  public String builder() {
    return builder;
  }

  public List<String> dataFiles() {
    return dataFiles;
  }

  /** Ordinal in {@link #dataFiles()} of the file holding row {@code node}. */
  public int fileOf(int node) {
    return rowFile[node];
  }

  /** Position of row {@code node} in its data file. */
  public int positionOf(int node) {
    return rowPosition[node];
  }

  public String key(int node) {
    return new String(keyBytes, keyOffsets[node], keyOffsets[node + 1] - keyOffsets[node], StandardCharsets.UTF_8);
  }

  /**
   * The keys of {@code hits}' rows, in order. Each key costs two cache misses at random places
   * (its offset, then its bytes): all offsets are read first, then one byte of each key, so the
   * misses of all the keys overlap rather than follow one another.
   */
  public String[] keys(List<RowHit> hits) {
    int count = hits.size();
    int[] from = new int[count];
    int[] to = new int[count];
    for (int i = 0; i < count; i++) {
      int node = hits.get(i).row();
      from[i] = keyOffsets[node];
      to[i] = keyOffsets[node + 1];
    }
    int touched = 0;
    for (int i = 0; i < count; i++) {
      touched += from[i] < to[i] ? keyBytes[from[i]] : 0;
    }
    touchedKeyBytes = touched;
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = new String(keyBytes, from[i], to[i] - from[i], StandardCharsets.UTF_8);
    }
    return keys;
  }

  /** Keeps {@link #keys}' reads of key bytes from being optimised away. */
  @SuppressWarnings("unused")
  private static volatile int touchedKeyBytes;

  /** The centroid rows were assigned by, or null; not a copy. */
  public float[] centroid() {
    return centroid;
  }

  public RecallSample recallSample() {
    return recallSample;
  }

  int[] rowFiles() {
    return rowFile;
  }

  int[] rowPositions() {
    return rowPosition;
  }

  int[] keyOffsets() {
    return keyOffsets;
  }

  byte[] keyBytes() {
    return keyBytes;
  }

  /** Approximate heap bytes, for the index cache's budget. */
  public long memoryBytes() {
    return index.memoryBytes() + 12L * rowFile.length + keyBytes.length + 128L * dataFiles.size() + 256;
  }
}
