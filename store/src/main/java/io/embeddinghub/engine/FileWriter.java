package io.embeddinghub.engine;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.FileBatchWriter;
import io.embeddinghub.table.SortedRowWriter;
import java.util.List;

/**
 * Writes one task's rows, which arrive sorted by (bucket, key), into data files of the space's
 * target size; memory is one row group. The files stay invisible until the driver commits them
 * ({@link EngineSpace#commitFiles}). Not thread-safe.
 */
public final class FileWriter {
  private final SortedRowWriter writer;

  private FileWriter(SortedRowWriter writer) {
    this.writer = writer;
  }

  /**
   * A writer of rows sorted by (bucket, key) for a space.
   *
   * @param hub the hub, opened in the calling JVM
   * @param spec the settings of the space the files are for
   * @param keepLast whether a repeated key keeps its last row; otherwise a repeated key is an
   *     {@link io.embeddinghub.InvalidInputException} naming it
   * @return the writer
   */
  public static FileWriter sorted(EngineHub hub, SpaceSpec spec, boolean keepLast) {
    Errors.checkNotNull(hub, "hub");
    Errors.checkNotNull(spec, "spec");
    return new FileWriter(new SortedRowWriter(hub.context(), spec.name(), spec, keepLast));
  }

  /**
   * Adds the next row, validated by the caller ({@link Validation#checkVector}).
   *
   * @param key the row's key, not before the previous row's in (bucket, key) order
   * @param vector its embedding; not to be changed by the caller afterwards
   * @throws io.embeddinghub.InvalidInputException when the key repeats and rows do not keep the
   *     last
   * @throws IllegalStateException when the row is out of (bucket, key) order
   */
  public void add(String key, float[] vector) {
    writer.add(key, vector);
  }

  /**
   * Writes the last row and closes the writer.
   *
   * @return every file written, in (bucket, key) order
   */
  public List<WrittenFile> finish() {
    return WrittenFile.of(writer.finish());
  }

  /** Deletes the files written so far; call only when they are known to be uncommitted. */
  public void abort() {
    writer.abort();
  }

  /**
   * Deletes files known to be uncommitted; a file that cannot be deleted is left for vacuum
   * (nothing references it).
   *
   * @param hub the hub
   * @param files the files
   */
  public static void deleteQuietly(EngineHub hub, List<WrittenFile> files) {
    FileBatchWriter.deleteQuietly(hub.context(), WrittenFile.dataFiles(files));
  }
}
