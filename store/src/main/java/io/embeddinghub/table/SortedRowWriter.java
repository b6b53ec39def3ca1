package io.embeddinghub.table;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.DataFileWriter;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes validated rows that arrive sorted by (bucket, key) — as an engine's sorted write tasks
 * deliver them — straight into data files, cut at the space's rows per file: memory is one row
 * group, whatever the task's share of the space. A key repeated back to back is refused, or with
 * {@code keepLast} replaces the row before it. Files are invisible until a commit references them;
 * {@link #abort()} deletes them. Not thread-safe.
 */
public final class SortedRowWriter {
  private final HubContext ctx;
  private final String spaceDir;
  private final SpaceSpec spec;
  private final boolean keepLast;
  private final List<DataFile> written = new ArrayList<>();
  private DataFileWriter out;
  private int bucketOfOpenFile = -1;
  private int bucket = -1;
  private String pendingKey;
  private float[] pendingVector;

  /**
   * @param keepLast whether a repeated key keeps its last row; otherwise it is an
   *     {@link InvalidInputException} naming the key
   */
  public SortedRowWriter(HubContext ctx, String spaceDir, SpaceSpec spec, boolean keepLast) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
    this.spec = spec;
    this.keepLast = keepLast;
  }

  /** Adds the next row; the vector must not be changed by the caller afterwards. */
  public void add(String key, float[] vector) {
    int b = KeyBuckets.bucketOf(key, spec.buckets());
    if (pendingKey != null && b == bucket && key.equals(pendingKey)) {
      if (!keepLast) {
        throw Errors.duplicateKeyInWrite(spec.name(), key);
      }
      pendingVector = vector;
      return;
    }
    if (pendingKey != null && (b < bucket || (b == bucket && KeyOrder.compare(pendingKey, key) > 0))) {
      throw new IllegalStateException(
          "Rows reached the writer of space '" + spec.name() + "' out of (bucket, key) order: " + Errors.quote(key)
              + " (bucket " + b + ") after " + Errors.quote(pendingKey) + " (bucket " + bucket + ")");
    }
    flushPending();
    bucket = b;
    pendingKey = key;
    pendingVector = vector;
  }

  /** Writes the last row and returns every file written, in (bucket, key) order. */
  public List<DataFile> finish() {
    flushPending();
    closeFile();
    return List.copyOf(written);
  }

  /** Deletes the files written so far; call only when they are known to be uncommitted. */
  public void abort() {
    if (out != null) {
      out.close();
      out = null;
    }
    FileBatchWriter.deleteQuietly(ctx, written);
    written.clear();
  }

  private void flushPending() {
    if (pendingKey == null) {
      return;
    }
    try {
      if (out != null && (out.rows() >= spec.rowsPerFile() || bucketOfOpenFile != bucket)) {
        closeFile();
      }
      if (out == null) {
        String path = spaceDir + "/data/" + String.format("bucket=%04d/%s", bucket, UUID.randomUUID()) + ".parquet";
        out = DataFileWriter.create(ctx.io(), ctx.conf(), path, bucket, spec.dimensions());
        bucketOfOpenFile = bucket;
      }
      out.add(pendingKey, pendingVector, 0);
    } catch (IOException e) {
      throw Errors.cannotWriteSpaceData(spec.name(), e);
    }
    pendingKey = null;
    pendingVector = null;
  }

  private void closeFile() {
    if (out == null) {
      return;
    }
    try {
      written.add(out.finish());
    } catch (IOException e) {
      throw Errors.cannotWriteDataFile(out.path(), e);
    } finally {
      out = null;
    }
  }
}
