package io.embeddinghub.engine;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.LiveFile;
import java.io.Serializable;
import java.util.Objects;

/**
 * One data file of a pinned version with the rows deleted in it: what one read task reads.
 * Serializable and immutable. Its rows are sorted by key ({@link EngineKeys#compare}) and all belong to
 * its {@link #bucket}.
 */
public final class ScanFile implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The file and its deletion vector as the pinned version records them. */
  private final LiveFile file;

  ScanFile(LiveFile file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * The file's path, relative to the hub's root.
   *
   * @return the path
   */
  public String path() {
    return file.file().path();
  }

  /**
   * The key bucket all of the file's rows belong to.
   *
   * @return the bucket
   */
  public int bucket() {
    return file.file().bucket();
  }

  /**
   * The smallest key the file holds (deleted rows included).
   *
   * @return the key
   */
  public String minKey() {
    return file.file().minKey();
  }

  /**
   * The largest key the file holds (deleted rows included).
   *
   * @return the key
   */
  public String maxKey() {
    return file.file().maxKey();
  }

  /**
   * How many rows the file holds, deleted ones included.
   *
   * @return the row count
   */
  public long rows() {
    return file.file().rows();
  }

  /**
   * How many of the file's rows are live in the pinned version.
   *
   * @return the live row count
   */
  public long liveRows() {
    return file.liveRows();
  }

  /**
   * The file's size in bytes.
   *
   * @return the size
   */
  public long sizeBytes() {
    return file.file().sizeBytes();
  }

  /**
   * Whether the file's key range holds a key, so that the file may hold its row.
   *
   * @param key the key
   * @return false when the key is outside the file's range
   */
  public boolean mayContain(String key) {
    return file.file().mayContain(key);
  }

  /**
   * Reads the file's live rows in key order, through the hub's data file cache.
   *
   * @param hub the hub, opened in the calling JVM
   * @param dimensions the space's dimensions
   * @param keysOnly whether only keys are read; the embeddings are then never decoded
   * @return the live rows
   * @throws io.embeddinghub.CorruptFileException when the file is damaged
   * @throws io.embeddinghub.EmbeddingHubException when the file system fails to read it
   */
  public FileRows readLive(EngineHub hub, int dimensions, boolean keysOnly) {
    Errors.checkNotNull(hub, "hub");
    FileContents contents =
        keysOnly
            ? hub.context().cache().keys(file.file(), dimensions)
            : hub.context().cache().full(file.file(), dimensions);
    return new FileRows(contents, file.deleted(), keysOnly);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanFile that && file.equals(that.file);
  }

  @Override
  public int hashCode() {
    return file.hashCode();
  }

  @Override
  public String toString() {
    return path() + " (bucket " + bucket() + ", " + liveRows() + " of " + rows() + " rows live)";
  }
}
