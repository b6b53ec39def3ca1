package io.embeddinghub.index;

import io.embeddinghub.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The float rows of a loaded index partition, read from the space's data files at the offsets its
 * index file records: memory-mapped where every data file is local and its rows span at most
 * 2 GB ({@link MappedFloatRows}), else read once onto the heap, file by file in offset order (one
 * pass over each file's embedding column chunk: HDFS, object stores).
 */
final class DataFileRows {
  private DataFileRows() {}

  /**
   * @param rowFile each node's data file, an index into {@code dataFiles}
   * @param rowPosition each node's row position in its file (offsets grow with it)
   * @param fileOffsets each node's byte offset in its file
   * @param scales cosine's unit-length factors, else null
   */
  static FloatRows open(
      FileIO io, List<String> dataFiles, int[] rowFile, int[] rowPosition, long[] fileOffsets, double[] scales,
      int dimensions) throws IOException {
    List<Path> local = new ArrayList<>(dataFiles.size());
    for (String f : dataFiles) {
      Path p = io.localFile(f);
      if (p == null) {
        local = null;
        break;
      }
      local.add(p);
    }
    if (local != null
        && MappedFloatRows.fits(MappedFloatRows.range(dataFiles.size(), rowFile, fileOffsets, dimensions))) {
      return MappedFloatRows.map(local, rowFile, fileOffsets, scales, dimensions);
    }
    return new HeapFloatRows(read(io, dataFiles, rowFile, rowPosition, fileOffsets, scales, dimensions), dimensions);
  }

  private static float[] read(
      FileIO io, List<String> dataFiles, int[] rowFile, int[] rowPosition, long[] fileOffsets, double[] scales,
      int dimensions) throws IOException {
    int rows = rowFile.length;
    float[] out = new float[Math.multiplyExact(rows, dimensions)];
    // nodes by file, then by position (so by offset): one forward pass over each file
    long[] order = new long[rows];
    for (int node = 0; node < rows; node++) {
      order[node] = ((long) rowPosition[node] << 31) | node;
    }
    Arrays.sort(order);
    int[][] nodesOfFile = new int[dataFiles.size()][];
    int[] counts = new int[dataFiles.size()];
    for (int f : rowFile) {
      counts[f]++;
    }
    for (int f = 0; f < counts.length; f++) {
      nodesOfFile[f] = new int[counts[f]];
      counts[f] = 0;
    }
    for (long entry : order) {
      int node = (int) (entry & Integer.MAX_VALUE);
      nodesOfFile[rowFile[node]][counts[rowFile[node]]++] = node;
    }
    byte[] row = new byte[dimensions * Float.BYTES];
    ByteBuffer rowFloats = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < dataFiles.size(); f++) {
      if (nodesOfFile[f].length == 0) {
        continue;
      }
      try (SeekableInputStream in = io.newInputFile(dataFiles.get(f)).newStream()) {
        for (int node : nodesOfFile[f]) {
          in.seek(fileOffsets[node]);
          in.readFully(row);
          rowFloats.asFloatBuffer().get(out, node * dimensions, dimensions);
          if (scales != null) {
            double scale = scales[node];
            for (int i = node * dimensions, end = i + dimensions; i < end; i++) {
              out[i] = (float) (out[i] * scale);
            }
          }
        }
      }
    }
    return out;
  }
}
