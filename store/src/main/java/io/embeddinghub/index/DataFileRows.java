package io.embeddinghub.index;

import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.LocalSpool;
import io.embeddinghub.io.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The float rows of a loaded index partition, read from the space's data files at the offsets its
 * index file records: memory-mapped where every data file is local and its rows span at most
 * 2 GB ({@link MappedFloatRows}); else (HDFS, object stores) read once, file by file in offset
 * order, into a scratch file of {@code java.io.tmpdir} that is mapped ({@link LocalSpool}: its name
 * is gone as it is opened, so a killed JVM leaves nothing behind), so that they stay off the heap; onto the heap only where that cannot be done (a partition of more
 * than 2 GB of floats, no usable temporary directory).
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
    RowSource source = new RowSource(io, dataFiles, rowFile, rowPosition, fileOffsets, scales, dimensions);
    long bytes = (long) rowFile.length * dimensions * Float.BYTES;
    if (bytes <= Integer.MAX_VALUE) {
      FileChannel spool;
      try {
        spool = LocalSpool.open(null, "embeddinghub-rows-");
      } catch (IOException e) { // no usable temporary directory: the heap
        return new HeapFloatRows(source.readAll(), dimensions);
      }
      try (FileChannel channel = spool) {
        // written through the channel, not the mapping: a full disk is an IOException here, where
        // a write through a mapping would fault
        ByteBuffer out = ByteBuffer.allocate(dimensions * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        source.forEachRow((node, row) -> {
          out.clear();
          out.asFloatBuffer().put(row);
          long at = (long) node * out.capacity();
          try {
            while (out.hasRemaining()) {
              at += channel.write(out, at);
            }
          } catch (IOException e) {
            throw localDiskFailed(bytes, e);
          }
        });
        MappedByteBuffer mapped;
        try {
          mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
        } catch (IOException e) {
          throw localDiskFailed(bytes, e);
        }
        return MappedFloatRows.dense(mapped, rowFile.length, dimensions);
      }
    }
    return new HeapFloatRows(source.readAll(), dimensions);
  }

  /**
   * A failure of the local scratch copy (a full disk, most often): the machine's failure, not the
   * index file's, so readers report an I/O error and never a corrupt index.
   */
  private static StorageIOException localDiskFailed(long bytes, IOException cause) {
    return new StorageIOException("cannot copy " + bytes + " bytes of float rows to a scratch file in "
        + System.getProperty("java.io.tmpdir") + " (java.io.tmpdir): " + cause.getMessage(), cause);
  }

  /** What receives each node's prepared row (the array is reused between calls). */
  private interface RowSink {
    void accept(int node, float[] row) throws IOException;
  }

  /** Reads the nodes' rows from their data files. */
  private record RowSource(FileIO io, List<String> dataFiles, int[] rowFile, int[] rowPosition, long[] fileOffsets,
      double[] scales, int dimensions) {

    float[] readAll() throws IOException {
      float[] out = new float[Math.multiplyExact(rowFile.length, dimensions)];
      forEachRow((node, row) -> System.arraycopy(row, 0, out, node * dimensions, dimensions));
      return out;
    }

    /** Hands each node's prepared row to {@code sink}, file by file, in offset order within a file. */
    void forEachRow(RowSink sink) throws IOException {
      int rows = rowFile.length;
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
      byte[] bytes = new byte[dimensions * Float.BYTES];
      FloatBuffer rowFloats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] row = new float[dimensions];
      for (int f = 0; f < dataFiles.size(); f++) {
        if (nodesOfFile[f].length == 0) {
          continue;
        }
        try (SeekableInputStream in = io.newInputFile(dataFiles.get(f)).newStream()) {
          for (int node : nodesOfFile[f]) {
            in.seek(fileOffsets[node]);
            in.readFully(bytes);
            rowFloats.get(0, row);
            if (scales != null) {
              double scale = scales[node];
              for (int i = 0; i < dimensions; i++) {
                row[i] = (float) (row[i] * scale);
              }
            }
            sink.accept(node, row);
          }
        }
      }
    }
  }
}
