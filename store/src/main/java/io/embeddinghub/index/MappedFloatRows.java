package io.embeddinghub.index;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@link FloatRows} read in place from memory-mapped local data files: each node's floats are the
 * little-endian values its data file holds at a known offset ({@code
 * io.embeddinghub.format.VectorLocations}), so a loaded partition keeps none of them on the heap.
 * The operating system caches the pages a search touches and can evict them. A file's mapping
 * covers the byte range its rows span, which must fit in 2 GB ({@link #fits}). Rows of files that
 * are not local are copied in node order into one mapped temporary file ({@link #dense}), deleted
 * as soon as it is mapped: the mapping keeps its pages until it is collected.
 *
 * <p>For cosine the files hold the raw rows: each node's floats are scaled to unit length as they
 * are read, by the same arithmetic as {@link IndexedRows#prepare}, so they equal the prepared
 * rows bit for bit.
 */
public final class MappedFloatRows implements FloatRows {
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

  /** Per data file, four float views of its mapping, one per byte alignment of a row's offset. */
  private final FloatBuffer[][] views;
  /** Each node's file, or null when the rows are one dense mapping in node order. */
  private final int[] rowFile;
  /** Each node's byte offset in its file's mapping, or null when the rows are dense. */
  private final int[] offsets;
  /** Cosine: the factor making each raw row unit length; else null. */
  private final double[] scales;
  private final int dimensions;
  private final int rows;

  private MappedFloatRows(
      FloatBuffer[][] views, int[] rowFile, int[] offsets, double[] scales, int dimensions, int rows) {
    this.views = views;
    this.rowFile = rowFile;
    this.offsets = offsets;
    this.scales = scales;
    this.dimensions = dimensions;
    this.rows = rows;
  }

  /**
   * Rows already prepared, in node order, {@code dimensions} little-endian floats each, from byte 0
   * of {@code mapped}.
   */
  static MappedFloatRows dense(MappedByteBuffer mapped, int rows, int dimensions) {
    FloatBuffer[][] views = {{mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()}};
    return new MappedFloatRows(views, null, null, null, dimensions, rows);
  }

  /** Whether the rows' byte range in each file ({@link #range}) can be mapped in one piece. */
  static boolean fits(long[][] ranges) {
    for (long[] r : ranges) {
      if (r != null && r[1] - r[0] > Integer.MAX_VALUE - 8) {
        return false;
      }
    }
    return true;
  }

  /**
   * The byte range {@code [from, to)} the rows of each file span; null for a file without rows.
   *
   * @param fileOffsets each node's byte offset in its data file
   */
  static long[][] range(int files, int[] rowFile, long[] fileOffsets, int dimensions) {
    long[][] ranges = new long[files][];
    long rowBytes = (long) dimensions * Float.BYTES;
    for (int node = 0; node < rowFile.length; node++) {
      long[] r = ranges[rowFile[node]];
      long at = fileOffsets[node];
      if (r == null) {
        ranges[rowFile[node]] = new long[] {at, at + rowBytes};
      } else {
        r[0] = Math.min(r[0], at);
        r[1] = Math.max(r[1], at + rowBytes);
      }
    }
    return ranges;
  }

  /**
   * Maps the local files {@code paths} and reads each node's row at its offset.
   *
   * @param rowFile each node's file, an index into {@code paths} (kept, not copied)
   * @param fileOffsets each node's byte offset in its file
   * @param scales cosine's unit-length factors, else null (kept, not copied)
   * @throws IOException if a file cannot be mapped or a row lies beyond its end
   */
  static MappedFloatRows map(List<Path> paths, int[] rowFile, long[] fileOffsets, double[] scales, int dimensions)
      throws IOException {
    long[][] ranges = range(paths.size(), rowFile, fileOffsets, dimensions);
    if (!fits(ranges)) {
      throw new IOException("the rows of a data file span more than 2 GB");
    }
    FloatBuffer[][] views = new FloatBuffer[paths.size()][];
    for (int f = 0; f < views.length; f++) {
      long[] r = ranges[f];
      if (r == null) {
        continue;
      }
      try (FileChannel channel = FileChannel.open(paths.get(f), StandardOpenOption.READ)) {
        if (r[1] > channel.size()) {
          throw new IOException("a row ends at byte " + r[1] + " of " + paths.get(f) + ", which has "
              + channel.size());
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, r[0], r[1] - r[0]);
        int length = mapped.capacity();
        views[f] = new FloatBuffer[Float.BYTES];
        for (int align = 0; align < Float.BYTES && align < length; align++) {
          views[f][align] = mapped.slice(align, length - align).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
      }
    }
    int[] offsets = new int[rowFile.length];
    for (int node = 0; node < offsets.length; node++) {
      offsets[node] = (int) (fileOffsets[node] - ranges[rowFile[node]][0]);
    }
    return new MappedFloatRows(views, rowFile, offsets, scales, dimensions, rowFile.length);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public void copy(int node, float[] into) {
    if (offsets == null) {
      views[0][0].get(node * dimensions, into, 0, dimensions);
      return;
    }
    int at = offsets[node];
    views[rowFile[node]][at & 3].get(at >> 2, into, 0, dimensions);
    if (scales != null) {
      double scale = scales[node];
      for (int i = 0; i < dimensions; i++) {
        into[i] = (float) (into[i] * scale);
      }
    }
  }

  @Override
  public float score(VectorKernels kernels, float[] preparedQuery, int node, boolean l2) {
    float[] row = SCRATCH.get();
    if (row.length != dimensions) {
      row = new float[dimensions];
      SCRATCH.set(row);
    }
    copy(node, row);
    return l2 ? kernels.squaredL2(preparedQuery, 0, row, 0, dimensions) : 1f - kernels.dot(preparedQuery, 0, row, 0, dimensions);
  }

  @Override
  public float touch(int node) {
    if (offsets == null) {
      return views[0][0].get(node * dimensions);
    }
    int at = offsets[node];
    return views[rowFile[node]][at & 3].get(at >> 2);
  }

  @Override
  public long heapBytes() {
    return 64 + (offsets == null ? 0 : 4L * offsets.length) + (scales == null ? 0 : 8L * scales.length)
        + 256L * views.length;
  }
}
