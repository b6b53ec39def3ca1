package io.embeddinghub.table;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.format.ParquetDataFiles;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Buffers validated rows per bucket and writes them as sorted Parquet data files under
 * {@code <space>/data/bucket=NNNN/}, none larger than the space's target file size. When the buffer passes its byte budget every bucket is
 * flushed, so a bulk load of any size runs in bounded memory. Within the buffer a repeated key
 * keeps its last value; across flushes the commit marks the older rows deleted.
 *
 * <p>Files written here are invisible until a commit references them; {@link #abort()} deletes
 * them when the operation is known not to have committed. Not thread-safe.
 */
public final class FileBatchWriter {
  private final HubContext ctx;
  private final String spaceDir;
  private final SpaceSpec spec;
  private final long bytesPerRow;
  private final Map<Integer, Map<String, float[]>> buffers = new HashMap<>();
  private final List<DataFile> written = new ArrayList<>();
  private long bufferedBytes;

  /**
   * @param spaceDir directory (relative to the hub root) the files go to: the writing space's
   */
  public FileBatchWriter(HubContext ctx, String spaceDir, SpaceSpec spec) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
    this.spec = spec;
    this.bytesPerRow = 4L * spec.dimensions() + 96;
  }

  /** Adds one validated row; the vector must not be changed by the caller afterwards. */
  public void add(String key, float[] vector) {
    int bucket = KeyBuckets.bucketOf(key, spec.buckets());
    float[] previous = buffers.computeIfAbsent(bucket, b -> new HashMap<>()).put(key, vector);
    if (previous == null) {
      bufferedBytes += bytesPerRow + 2L * key.length();
    }
    if (bufferedBytes >= ctx.settings().writeBufferBytes()) {
      flush();
    }
  }

  /** Writes every buffered row and returns all files written so far, in write order. */
  public List<DataFile> finish() {
    flush();
    return List.copyOf(written);
  }

  /** Deletes the files written so far; call only when they are known to be uncommitted. */
  public void abort() {
    deleteQuietly(ctx, written);
    written.clear();
    buffers.clear();
  }

  /** Deletes files known to be uncommitted; failures leave them to vacuum (they are invisible). */
  public static void deleteQuietly(HubContext ctx, List<DataFile> files) {
    for (DataFile f : files) {
      try {
        ctx.cache().invalidate(f.path());
        ctx.io().delete(f.path());
      } catch (IOException | RuntimeException e) {
        // left for vacuum
      }
    }
  }

  private void flush() {
    for (Map.Entry<Integer, Map<String, float[]>> e : new TreeMap<>(buffers).entrySet()) {
      writeBucket(e.getKey(), e.getValue());
    }
    buffers.clear();
    bufferedBytes = 0;
  }

  /** Writes a bucket's buffered rows sorted, cut into files of at most the space's rows per file. */
  private void writeBucket(int bucket, Map<String, float[]> rows) {
    String[] sorted = rows.keySet().toArray(new String[0]);
    java.util.Arrays.sort(sorted, KeyOrder.COMPARATOR);
    int dims = spec.dimensions();
    int files = (int) ((sorted.length + (long) spec.rowsPerFile() - 1) / spec.rowsPerFile());
    for (int f = 0; f < files; f++) {
      // even cuts: no tiny last file
      int from = (int) ((long) sorted.length * f / files);
      int to = (int) ((long) sorted.length * (f + 1) / files);
      String[] keys = java.util.Arrays.copyOfRange(sorted, from, to);
      float[] flat = new float[keys.length * dims];
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(rows.get(keys[i]), 0, flat, i * dims, dims);
      }
      written.add(writeSorted(ctx, spaceDir, spec, bucket, keys, flat));
    }
  }

  /**
   * Writes one data file of sorted rows under {@code <spaceDir>/data/} and offers it to the cache
   * so the commit and the first queries need not read it back. Writes build no index: the rows
   * are the space's unindexed tail until an index build covers them.
   */
  static DataFile writeSorted(
      HubContext ctx, String spaceDir, SpaceSpec spec, int bucket, String[] keys, float[] flat) {
    String name = String.format("bucket=%04d/%s", bucket, UUID.randomUUID());
    String path = spaceDir + "/data/" + name + ".parquet";
    int dims = spec.dimensions();
    DataFile file;
    try {
      file = ParquetDataFiles.write(ctx.io(), ctx.conf(), path, bucket, keys, flat, dims);
    } catch (IOException e) {
      throw Errors.cannotWriteDataFile(ctx.io().location(path), e);
    }
    ctx.cache().offer(path, new FileContents(keys, flat, dims));
    return file;
  }
}
